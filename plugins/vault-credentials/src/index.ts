/**
 * vault-credentials: resolves `vault://mount/path#key` backend credential references from HashiCorp Vault's KV v2
 * secrets engine over its HTTP API, authenticating with a token or AppRole. Reads are cached for a TTL, watched
 * secrets are checked for a new version at the same pace, and the gateway's own Vault token is renewed.
 */
import { definePlugin } from '@secure-mcp-gateway/core';
import { KvSecrets } from './kv-secrets.js';
import { optionsSchema, type VaultCredentialsOptions } from './options.js';
import { VaultHttp } from './vault-http.js';
import { parseVaultReference } from './vault-reference.js';
import { VaultSession } from './vault-session.js';

export type { VaultAuthOptions, VaultCredentialsOptions } from './options.js';

export const vaultCredentials = definePlugin<VaultCredentialsOptions>({
  name: 'vault-credentials',
  optionsSchema,
  setup(context) {
    const { address, namespace, auth, cacheTtlSeconds = 300, timeoutSeconds = 10 } = context.options;
    const http = new VaultHttp({ address, ...(namespace ? { namespace } : {}), timeoutMs: timeoutSeconds * 1000 });
    const session = new VaultSession(http, auth);
    const secrets = new KvSecrets(http, session, cacheTtlSeconds * 1000);
    context.hooks.resolveCredential('vault', async (reference, { server, fresh }) => {
      const vaultReference = parseVaultReference(reference);
      const value = await secrets.value(vaultReference, fresh === true);
      return {
        value,
        watch: (onChange) =>
          secrets.watch(vaultReference, value, onChange, (error) =>
            context.logger.warn(`checking ${reference.raw} for server "${server}" failed: ${(error as Error).message}`),
          ),
      };
    });
    // /health is public: counts only, no addresses or paths.
    context.reportHealth(() => ({
      status: secrets.lastReadFailed ? 'degraded' : 'ok',
      detail: `${secrets.reads} reads, ${session.stats.logins} logins, ${session.stats.renewals} token renewals${secrets.lastReadFailed ? '; the latest read failed' : ''}`,
    }));
  },
});

export default vaultCredentials;
