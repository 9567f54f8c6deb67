/**
 * `method: oauth2`: the gateway obtains a token with the client-credentials grant from a token endpoint in the
 * test, caches it until shortly before it expires (shared by every connection to the server), renews it, and when
 * the backend refuses it (401) fetches a new one and retries once. The backend accepts only live tokens.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import { z } from 'zod';
import { envDigestStdio, startHttpBackend, type HttpBackend, type RecordedRequest } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import type { RunningGateway } from './support/gateway.js';
import { masked, watchForSecretLeaks } from './support/secret-leak-watch.js';
import { startTokenEndpoint, type TokenEndpoint } from './support/token-endpoint.js';
import { waitFor } from './support/wait.js';

const TOKEN_LIFETIME_SECONDS = 2;

describe('credentials: oauth2 client credentials', function () {
  const leaks = watchForSecretLeaks();
  const clientSecret = leaks.secret(`cs-${randomBytes(12).toString('hex')}`);
  let tokens: TokenEndpoint;
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let client: Client;
  const refused: RecordedRequest[] = [];

  const grants = () => tokens.requests.filter((request) => request.clientId === 'gateway-crm');
  const echo = (message: string) => client.callTool({ name: 'crm__echo', arguments: { message } });
  const lastToolCallToken = () =>
    String(backend.requests.filter((request) => (request.body as { method?: string })?.method === 'tools/call').at(-1)?.headers['authorization']).replace(/^Bearer /, '');

  before(async function () {
    process.env['CRED_TEST_CRM_CLIENT_SECRET'] = clientSecret;
    tokens = await startTokenEndpoint({ 'gateway-crm': clientSecret, 'gateway-crm-stdio': clientSecret }, TOKEN_LIFETIME_SECONDS);
    backend = await startHttpBackend(
      (server) => server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => ({ content: [{ type: 'text', text: message }] })),
      {
        accept: (request) => {
          const ok = tokens.isValid(/^Bearer (\S+)$/.exec(String(request.headers['authorization']))?.[1]);
          if (!ok) refused.push(request);
          return ok;
        },
      },
    );
    const oauth = { method: 'oauth2' as const, token_url: tokens.url, credential_ref: 'env://CRED_TEST_CRM_CLIENT_SECRET', scopes: ['crm:read', 'crm:write'], audience: 'crm-api' };
    gateway = await leaks.startGateway({
      servers: {
        crm: { type: 'http', url: backend.url, auth: { ...oauth, client_id: 'gateway-crm' } },
        'crm-wrong-client': { type: 'http', url: backend.url, auth: { ...oauth, client_id: 'nobody' } },
        'crm-stdio': envDigestStdio({ auth: { ...oauth, client_id: 'gateway-crm-stdio', location: 'env', name: 'CRM_TOKEN', format: 'raw' } }),
      },
      plugins: [envCredentials()]
    });
    client = await connectClient(gateway.mcpUrl);
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    await backend?.stop();
    await tokens?.stop();
    leaks.stop();
    delete process.env['CRED_TEST_CRM_CLIENT_SECRET'];
  });

  it('asks for a token once, with client_secret_basic, the scopes and the audience, and sends it as a bearer token', async function () {
    for (let i = 0; i < 5; i++) expect((await echo(`call ${i}`)).isError ?? false).to.equal(false);
    expect(grants()).to.deep.equal([{ ok: true, clientId: 'gateway-crm', scope: 'crm:read crm:write', audience: 'crm-api' }]);
    expect(masked(lastToolCallToken())).to.equal(masked(tokens.issued.get('gateway-crm')![0]));
    expect(refused).to.have.length(0);
  });

  it('shares the cached token with the connection of its own that a client with sampling, elicitation and roots gets', async function () {
    const sampling = await connectClient(gateway.mcpUrl, { capabilities: { sampling: {}, elicitation: {}, roots: {} } });
    try {
      expect((await sampling.callTool({ name: 'crm__echo', arguments: { message: 'own connection' } })).isError ?? false).to.equal(false);
      expect(grants()).to.have.length(1);
    } finally {
      await sampling.close();
    }
  });

  it('renews the token shortly before it expires, so the backend never sees an expired one', async function () {
    const before = grants().length;
    await new Promise((resolve) => setTimeout(resolve, TOKEN_LIFETIME_SECONDS * 1000 - 150));
    expect((await echo('after renewal')).isError ?? false).to.equal(false);
    expect(grants()).to.have.length(before + 1);
    expect(masked(lastToolCallToken())).to.equal(masked(tokens.issued.get('gateway-crm')!.at(-1)));
    expect(refused).to.have.length(0);
  });

  it('fetches a new token and retries once when the backend answers 401', async function () {
    const revoked = tokens.issued.get('gateway-crm')!.at(-1)!;
    tokens.revoke(revoked);
    const before = grants().length;
    const result = await echo('after revocation');
    expect(result.isError ?? false).to.equal(false);
    expect(masked(refused.map((request) => request.headers['authorization']))).to.deep.equal(masked([`Bearer ${revoked}`]));
    expect(grants()).to.have.length(before + 1);
    expect(masked(lastToolCallToken())).to.equal(masked(tokens.issued.get('gateway-crm')!.at(-1))).and.not.equal(masked(revoked));
  });

  it('reports a refused grant on the server, naming it and the endpoint answer, not the secret', async function () {
    await waitFor(async () => (await httpJson(`${gateway.url}/mcp/servers`)).body.servers.some((server: { name: string; status: string }) => server.name === 'crm-wrong-client' && server.status === 'down'), 'crm-wrong-client to be down');
    const servers = await httpJson(`${gateway.url}/mcp/servers`);
    leaks.record(servers.body);
    const wrong = servers.body.servers.find((server: { name: string }) => server.name === 'crm-wrong-client');
    expect(wrong.last_error).to.include('token endpoint of server "crm-wrong-client" refused the client-credentials grant (HTTP 401, invalid_client)');
    const invoke = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=crm-wrong-client`, { body: { tool_name: 'echo', parameters: { message: 'x' } } });
    leaks.record(invoke.body);
    expect(invoke.status).to.equal(502);
    expect(invoke.body.message).to.include('crm-wrong-client');
  });

  it('restarts a stdio server with a new token in its environment before the old one expires', async function () {
    const issued = () => tokens.issued.get('gateway-crm-stdio') ?? [];
    const digest = (token: string) => createHash('sha256').update(token).digest('hex');
    const tokenInEnv = async () => {
      const result = await client.callTool({ name: 'crm-stdio__env-digest', arguments: { name: 'CRM_TOKEN' } });
      const seen = (result.content as Array<{ text: string }>)[0]!.text;
      return issued().find((token) => digest(token) === seen);
    };
    const first = await tokenInEnv();
    expect(masked(first)).to.equal(masked(issued().at(-1)));
    await waitFor(async () => (await tokenInEnv().catch(() => first)) !== first, 'the stdio server to run with a renewed token', 5_000);
    const renewed = await tokenInEnv();
    expect(issued().indexOf(renewed!)).to.be.greaterThan(issued().indexOf(first!));
    expect(tokens.isValid(renewed)).to.equal(true);
  });

  describe('afterwards', function () {
    it('wrote no client secret or access token to any log line, audit event, response or error', async function () {
      await gateway.gateway.flushAudit();
      for (const token of [...tokens.issued.values()].flat()) leaks.secret(token);
      expect(leaks.counts().auditEvents).to.be.greaterThan(5);
      expect(leaks.leaksOf()).to.deep.equal([]);
    });
  });
});
