/**
 * vault-credentials against a stand-in that answers Vault's documented KV v2, AppRole and token endpoints (no
 * Vault server can be installed here): token and AppRole auth, the TTL cache, rotation, token renewal, a fresh
 * read after a backend's 401, and the named errors — 403, sealed 503, missing secret or key, failed login.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { GatewayConfigInput } from '@secure-mcp-gateway/core';
import vaultCredentials, { type VaultCredentialsOptions } from '@secure-mcp-gateway/plugin-vault-credentials';
import { z } from 'zod';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { freePort, type RunningGateway } from './support/gateway.js';
import { masked, watchForSecretLeaks } from './support/secret-leak-watch.js';
import { startVaultStandIn, type VaultStandIn } from './support/vault-stand-in.js';
import { waitFor } from './support/wait.js';

describe('credentials: vault', function () {
  const leaks = watchForSecretLeaks();
  const secret = (label: string) => leaks.secret(`${label}-${randomBytes(12).toString('hex')}`);
  const gatewayToken = leaks.secret(`hvs.${randomBytes(18).toString('base64url')}`);
  const elkV1 = secret('elk-v1');
  const elkV2 = secret('elk-v2');
  let vault: VaultStandIn;
  let backend: HttpBackend;

  const bearer = (credential_ref: string) => ({ method: 'bearer', location: 'header', name: 'Authorization', format: 'prefix', prefix: 'Bearer ', credential_ref }) as const;
  const plugin = (options: Partial<VaultCredentialsOptions> = {}) =>
    vaultCredentials({ address: vault.url, auth: { method: 'token', token: gatewayToken }, cacheTtlSeconds: 1, ...options });
  const reads = (secretPath: string) => vault.requests.filter((request) => request.path === secretPath.replace('/', '/data/'));
  const tokenOfLastCall = () => backend.requests.filter((request) => (request.body as { method?: string })?.method === 'tools/call').at(-1)?.headers['authorization'];

  before(async function () {
    vault = await startVaultStandIn();
    vault.addToken(gatewayToken, { ttl: 0, renewable: false, paths: ['secret/elk', 'secret/crm', 'secret/nothing'] });
    vault.write('secret/elk', { token: elkV1, user: 'elk-reader' });
    vault.write('secret/other', { token: secret('other') });
    backend = await startHttpBackend((server) => {
      server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
    });
  });

  after(async function () {
    await backend?.stop();
    await vault?.stop();
    leaks.stop();
  });

  describe('with a token', function () {
    let gateway: RunningGateway;
    let client: Client;

    before(async function () {
      gateway = await leaks.startGateway({
        servers: {
          elk: { type: 'http', url: backend.url, auth: bearer('vault://secret/elk#token') },
          'elk-api-path': { type: 'http', url: backend.url, auth: { ...bearer('vault://secret/data/elk#token'), name: 'X-Elk-Token', format: 'raw' } },
        },
        plugins: [plugin({ namespace: 'team-a' })]
      });
      client = await connectClient(gateway.mcpUrl);
    });

    after(async function () {
      await client?.close();
      await gateway?.stop();
    });

    it('reads the KV v2 secret once for both servers (cache) with the token and namespace, and sends its key', async function () {
      await client.callTool({ name: 'elk__echo', arguments: { message: 'one' } });
      expect(masked(tokenOfLastCall())).to.equal(masked(`Bearer ${elkV1}`));
      await client.callTool({ name: 'elk-api-path__echo', arguments: { message: 'two' } });
      expect(masked(backend.requests.at(-1)!.headers['x-elk-token'])).to.equal(masked(elkV1));
      const elkReads = reads('secret/elk');
      expect(elkReads).to.have.length(1);
      expect(masked(elkReads[0])).to.deep.include(masked({ method: 'GET', token: gatewayToken, namespace: 'team-a' }));
      expect(elkReads[0]!.status).to.equal(200);
      expect(masked(vault.requests.find((request) => request.path === 'auth/token/lookup-self'))).to.deep.include(masked({ token: gatewayToken, path: 'auth/token/lookup-self', status: 200 }));
    });

    it('notices a new version within the cache TTL and reconnects with it, without a restart', async function () {
      vault.write('secret/elk', { token: elkV2, user: 'elk-reader' });
      await waitFor(() => backend.requests.some((request) => request.headers['authorization'] === `Bearer ${elkV2}`), 'the rotated secret to reach the backend');
      await client.callTool({ name: 'elk__echo', arguments: { message: 'after rotation' } });
      expect(masked(tokenOfLastCall())).to.equal(masked(`Bearer ${elkV2}`));
    });

    it('reports its reads in /health without addresses, paths or values', async function () {
      const health = await httpJson(`${gateway.url}/health`);
      leaks.record(health.body);
      expect(JSON.stringify(health.body)).to.match(/\d+ reads, 0 logins, 0 token renewals/).and.not.include(vault.url).and.not.include('secret/elk');
    });
  });

  describe('with AppRole', function () {
    const crmV1 = secret('crm-v1');
    const crmV2 = secret('crm-v2');
    const crmV3 = secret('crm-v3');
    let accepted = crmV1;
    let appRole: { roleId: string; secretId: string };
    let crmBackend: HttpBackend;
    let gateway: RunningGateway;
    let client: Client;
    const logins = () => vault.requests.filter((request) => request.path === 'auth/approle/login' && request.status === 200);
    const renewals = () => vault.requests.filter((request) => request.path === 'auth/token/renew-self' && request.status === 200);

    before(async function () {
      appRole = vault.addAppRole('mcp-gateway', { ttl: 3, renewable: true, paths: ['secret/crm'] });
      leaks.secret(appRole.secretId);
      vault.write('secret/crm', { api_key: crmV1 });
      crmBackend = await startHttpBackend(
        (server) => server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => ({ content: [{ type: 'text', text: message }] })),
        { accept: (request) => request.headers['x-api-key'] === accepted },
      );
      gateway = await leaks.startGateway({
        servers: { crm: { type: 'http', url: crmBackend.url, auth: { method: 'api_key', location: 'header', name: 'X-API-Key', format: 'raw', credential_ref: 'vault://secret/crm#api_key' } } },
        plugins: [plugin({ auth: { method: 'approle', ...appRole }, cacheTtlSeconds: 300 })]
      });
      client = await connectClient(gateway.mcpUrl);
    });

    after(async function () {
      await client?.close();
      await gateway?.stop();
      await crmBackend?.stop();
      for (const token of vault.issuedTokens) leaks.secret(token);
    });

    it('logs in once and reads with the token it got', async function () {
      expect((await client.callTool({ name: 'crm__echo', arguments: { message: 'hi' } })).isError ?? false).to.equal(false);
      expect(logins()).to.have.length(1);
      expect(reads('secret/crm')).to.have.length(1);
      expect(masked(reads('secret/crm')[0]!.token)).to.equal(masked(vault.issuedTokens[0]));
    });

    it('reads Vault again, past its cache, when the backend refuses the cached value with 401', async function () {
      vault.write('secret/crm', { api_key: crmV2 });
      accepted = crmV2;
      expect((await client.callTool({ name: 'crm__echo', arguments: { message: 'after rotation' } })).isError ?? false).to.equal(false);
      expect(reads('secret/crm')).to.have.length(2);
      expect(masked(crmBackend.requests.at(-1)!.headers['x-api-key'])).to.equal(masked(crmV2));
    });

    it('renews its token (renew-self) once two thirds of the lease have passed, instead of logging in again', async function () {
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      vault.write('secret/crm', { api_key: crmV3 });
      accepted = crmV3;
      expect((await client.callTool({ name: 'crm__echo', arguments: { message: 'after renewal' } })).isError ?? false).to.equal(false);
      expect(renewals()).to.have.length(1);
      expect(masked(renewals()[0]!.token)).to.equal(masked(vault.issuedTokens[0]));
      expect(logins()).to.have.length(1);
      expect(masked(reads('secret/crm').at(-1)!.token)).to.equal(masked(vault.issuedTokens[0]));
      expect(reads('secret/crm').at(-1)!.status).to.equal(200);
    });
  });

  describe('errors', function () {
    const startupError = async (servers: GatewayConfigInput['servers'], options: Partial<VaultCredentialsOptions> = {}): Promise<string> => {
      try {
        const gateway = await leaks.startGateway({ servers, plugins: [plugin(options)] });
        await gateway.stop();
      } catch (error) {
        leaks.record((error as Error).message);
        return (error as Error).message;
      }
      throw new Error('the gateway started');
    };
    const elkFrom = (reference: string): GatewayConfigInput['servers'] => ({ elk: { type: 'http', url: backend.url, auth: bearer(reference) } });

    it('403: names the server, the reference and the missing policy', async function () {
      const message = await startupError(elkFrom('vault://secret/other#token'));
      expect(message).to.include('server "elk"').and.include('vault://secret/other#token').and.include('Vault denied reading secret/other (HTTP 403: permission denied)').and.include('policy');
    });

    it('a token Vault does not know: names VAULT_TOKEN', async function () {
      const message = await startupError(elkFrom('vault://secret/elk#token'), { auth: { method: 'token', token: leaks.secret(`hvs.unknown${randomBytes(8).toString('hex')}`) } });
      expect(message).to.include('Vault refused the configured token (HTTP 403: permission denied); check VAULT_TOKEN');
    });

    it('a failed AppRole login: names the login and the variables', async function () {
      const message = await startupError(elkFrom('vault://secret/elk#token'), { auth: { method: 'approle', roleId: 'nobody', secretId: leaks.secret(`sid-${randomBytes(8).toString('hex')}`) } });
      expect(message).to.include('Vault AppRole login at auth/approle failed (HTTP 400: invalid role or secret ID); check VAULT_ROLE_ID and VAULT_SECRET_ID');
    });

    it('a missing secret, a deleted one, a missing key and a malformed reference', async function () {
      expect(await startupError(elkFrom('vault://secret/nothing#token'))).to.include('Vault has no secret secret/nothing');
      vault.write('secret/crm-deleted', { api_key: secret('deleted') });
      vault.addToken(gatewayToken, { ttl: 0, renewable: false, paths: ['secret/'] });
      vault.softDelete('secret/crm-deleted');
      expect(await startupError(elkFrom('vault://secret/crm-deleted#api_key'))).to.include('is deleted');
      expect(await startupError(elkFrom('vault://secret/elk#password'))).to.include('has no non-empty string "password" (its keys: token, user)');
      expect(await startupError(elkFrom('vault://elk-without-key'))).to.include('is not a Vault reference');
    });

    it('unreachable: starts with the server down and says so, without Vault\'s address', async function () {
      const gateway = await leaks.startGateway({ servers: elkFrom('vault://secret/elk#token'), plugins: [plugin({ address: `http://127.0.0.1:${await freePort()}` })] });
      try {
        const servers = await httpJson(`${gateway.url}/mcp/servers`);
        leaks.record(servers.body);
        expect(servers.body.servers[0]).to.deep.include({ name: 'elk', status: 'down' });
        expect(servers.body.servers[0].last_error).to.include('server "elk"').and.include('Vault is unreachable').and.not.include('127.0.0.1');
      } finally {
        await gateway.stop();
      }
    });

    it('sealed (503): starts with the server down, says so, and connects once Vault is unsealed', async function () {
      vault.sealed = true;
      const gateway = await leaks.startGateway({ servers: elkFrom('vault://secret/elk#token'), plugins: [plugin()] });
      try {
        const servers = await httpJson(`${gateway.url}/mcp/servers`);
        leaks.record(servers.body);
        const elk = servers.body.servers.find((server: { name: string }) => server.name === 'elk');
        expect(elk.status).to.equal('down');
        expect(elk.last_error).to.include('vault://secret/elk#token').and.include('Vault is sealed (HTTP 503)').and.not.include(vault.url);
        const invoke = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=elk`, { body: { tool_name: 'echo', parameters: { message: 'x' } } });
        leaks.record(invoke.body);
        expect(invoke.status).to.equal(503);
        expect(invoke.body.message).to.include('sealed');
        vault.sealed = false;
        await waitFor(async () => (await httpJson(`${gateway.url}/mcp/servers`)).body.servers[0].status === 'up', 'elk to connect after unsealing', 10_000);
      } finally {
        vault.sealed = false;
        await gateway.stop();
      }
    });
  });

  describe('afterwards', function () {
    it('wrote no Vault token, secret id or secret value to any log line, audit event, response or error', function () {
      for (const token of vault.issuedTokens) leaks.secret(token);
      expect(leaks.counts().logLines).to.be.greaterThan(10);
      expect(leaks.leaksOf()).to.deep.equal([]);
    });
  });
});
