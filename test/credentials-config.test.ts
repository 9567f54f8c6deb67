/**
 * The shipped gateway.config.ts turns the credential plugins on from the environment: env:// and file:// always,
 * vault:// when VAULT_ADDR is set with a token or an AppRole role. Wrong values name the variable, and the secrets
 * given to Vault never show in `config print`.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnvConfig } from '@secure-mcp-gateway/core';
import { runCli } from './support/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('credentials: configuration from the environment', function () {
  it('reads Vault settings: a token, or AppRole, with namespace and cache TTL', function () {
    expect(readEnvConfig({ VAULT_ADDR: 'https://vault.example:8200', VAULT_TOKEN: 'hvs.x' }).vault).to.deep.equal({ address: 'https://vault.example:8200', auth: { method: 'token', token: 'hvs.x' } });
    expect(readEnvConfig({ VAULT_ADDR: 'https://vault.example:8200', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's', VAULT_NAMESPACE: 'team-a', VAULT_CACHE_TTL: '60' }).vault).to.deep.equal({
      address: 'https://vault.example:8200',
      namespace: 'team-a',
      auth: { method: 'approle', roleId: 'r', secretId: 's' },
      cacheTtlSeconds: 60,
    });
    expect(readEnvConfig({}).vault).to.equal(undefined);
  });

  it('names the variable of a wrong or missing Vault setting', function () {
    const vault = 'https://vault.example:8200';
    expect(() => readEnvConfig({ VAULT_ADDR: vault })).to.throw(/^VAULT_TOKEN: VAULT_ADDR needs VAULT_TOKEN, or VAULT_ROLE_ID with VAULT_SECRET_ID/);
    expect(() => readEnvConfig({ VAULT_ADDR: vault, VAULT_ROLE_ID: 'r' })).to.throw(/^VAULT_SECRET_ID: /);
    expect(() => readEnvConfig({ VAULT_ADDR: vault, VAULT_SECRET_ID: 's' })).to.throw(/^VAULT_ROLE_ID: /);
    expect(() => readEnvConfig({ VAULT_ADDR: vault, VAULT_TOKEN: 't', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' })).to.throw(/^VAULT_TOKEN: set either/);
    expect(() => readEnvConfig({ VAULT_TOKEN: 't' })).to.throw(/^VAULT_TOKEN: is set but VAULT_ADDR is not/);
    expect(() => readEnvConfig({ VAULT_ADDR: 'vault:8200', VAULT_TOKEN: 't' })).to.throw(/^VAULT_ADDR: must be a URL/);
    expect(() => readEnvConfig({ VAULT_ADDR: vault, VAULT_TOKEN: 't', VAULT_CACHE_TTL: '5m' })).to.throw(/^VAULT_CACHE_TTL: must be a whole number of seconds/);
  });

  it('gateway.config.ts: env and file credentials always, vault with VAULT_ADDR, its secrets redacted in `config print`', async function () {
    this.timeout(60_000);
    const print = async (env: Record<string, string>) => {
      const result = await runCli(['config', 'print', '--config', 'gateway.config.ts'], { cwd: ROOT, env });
      expect(result.code, result.stderr).to.equal(0);
      return { text: result.stdout, plugins: (JSON.parse(result.stdout) as { plugins: Array<{ name: string; options: Record<string, unknown> }> }).plugins };
    };
    const plain = await print({});
    expect(plain.plugins.map((plugin) => plugin.name)).to.include.members(['env-credentials', 'file-credentials']).and.not.include('vault-credentials');
    const secretId = `sid-${randomBytes(12).toString('hex')}`;
    const withVault = await print({ VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_ROLE_ID: 'mcp-gateway', VAULT_SECRET_ID: secretId });
    const vault = withVault.plugins.find((plugin) => plugin.name === 'vault-credentials');
    expect(vault?.options).to.deep.include({ address: 'http://127.0.0.1:8200' });
    expect(withVault.text).to.not.include(secretId);
    const missing = await runCli(['config', 'validate', '--config', 'gateway.config.ts'], { cwd: ROOT, env: { VAULT_ADDR: 'http://127.0.0.1:8200' } });
    expect(missing.code).to.not.equal(0);
    expect(missing.stderr).to.include('VAULT_TOKEN: VAULT_ADDR needs VAULT_TOKEN');
  });

  it('`mcp-gateway start` with the shipped config exits with an error naming the server and a missing variable', async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(join(tmpdir(), 'credentials-start-'));
    try {
      const serversFile = join(dir, 'mcp_servers.yaml');
      await writeFile(serversFile, 'servers:\n  elk:\n    url: http://127.0.0.1:9/mcp\n    auth:\n      method: bearer\n      credential_ref: env://ELK_API_TOKEN_NOT_SET\n');
      const result = await runCli(['start', '--config', join(ROOT, 'gateway.config.ts')], { cwd: dir, env: { MCP_SERVERS_FILE: serversFile, PORT: '0', LOG_FORMAT: 'json' } });
      expect(result.code).to.not.equal(0);
      expect(result.stderr).to.include('mcp-gateway: cannot resolve credential env://ELK_API_TOKEN_NOT_SET for server "elk": environment variable ELK_API_TOKEN_NOT_SET is not set');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
