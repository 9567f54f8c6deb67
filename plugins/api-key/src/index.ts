/**
 * api-key: authenticates machine clients with API keys. Only hashes are configured; lookups compare in constant
 * time. A request without a key is left to the other authentication plugins.
 */
import { AuthenticationError, ConfigError, definePlugin, type Principal, type RequestInfo } from '@secure-mcp-gateway/core';
import { findByKey, KEY_PREFIX } from './api-key.js';
import { optionsSchema, type ApiKeyEntry, type ApiKeyOptions } from './options.js';

export { generateApiKey, hashApiKey, KEY_PREFIX } from './api-key.js';
export type { ApiKeyEntry, ApiKeyOptions } from './options.js';

export const apiKey = definePlugin<ApiKeyOptions>({
  name: 'api-key',
  optionsSchema,
  setup(context) {
    const { header = 'x-api-key', acceptBearer = true, keys } = context.options;
    assertUnique(keys);
    context.logger.info(`${keys.length} API ${keys.length === 1 ? 'key' : 'keys'} (${keys.map((key) => key.id).join(', ')}), sent in ${header}${acceptBearer ? ' or Authorization: Bearer' : ''}`);
    context.hooks.authenticate((request) => {
      const presented = presentedKey(request, header.toLowerCase(), acceptBearer);
      if (presented === undefined) return undefined;
      const entry = findByKey(keys, presented);
      if (!entry) throw new AuthenticationError('invalid API key');
      if (entry.expiresAt && Date.parse(entry.expiresAt) <= Date.now()) throw new AuthenticationError(`API key "${entry.id}" has expired`);
      return principalOf(entry, context.name);
    });
  },
});

export default apiKey;

function presentedKey(request: RequestInfo, header: string, acceptBearer: boolean): string | undefined {
  const value = request.headers[header];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (Array.isArray(value)) throw new AuthenticationError(`send one "${header}" header, not several`);
  if (!acceptBearer) return undefined;
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(String(request.headers['authorization'] ?? ''))?.[1];
  return bearer?.startsWith(KEY_PREFIX) ? bearer : undefined;
}

function principalOf(entry: ApiKeyEntry, plugin: string): Principal {
  return {
    sub: `api-key:${entry.id}`,
    username: entry.username ?? entry.id,
    roles: [...(entry.roles ?? [])],
    scopes: [...(entry.scopes ?? [])],
    claims: { key_id: entry.id },
    authenticatedBy: plugin,
  };
}

function assertUnique(keys: readonly ApiKeyEntry[]): void {
  const seen = new Set<string>();
  for (const [index, key] of keys.entries()) {
    if (seen.has(key.id) || seen.has(key.hash)) throw new ConfigError(`duplicate API key id or hash "${key.id}"`, `plugins.api-key.keys.${index}`);
    seen.add(key.id).add(key.hash);
  }
}
