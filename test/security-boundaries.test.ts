/**
 * Attacks on the edges of one gateway with real tokens, rbac and broadcast: tokens where they do not belong,
 * forged client addresses, oversized bodies, and every other door to a denied tool (REST, /tools/{name}/invoke,
 * broadcast, case variants, `tools/list` params.server, completions). None may reach the backend.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import rbac from '@secure-mcp-gateway/plugin-rbac';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

function devTools(server: McpServer) {
  const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text: value }) => text(value));
  server.registerTool('delete_item', { inputSchema: { id: z.string() } }, async ({ id }) => text(`deleted ${id}`));
}

function prodDb(server: McpServer) {
  server.registerTool('query', { inputSchema: { sql: z.string() } }, async () => ({ content: [{ type: 'text', text: 'rows' }] }));
  server.registerPrompt('report', { argsSchema: { table: z.string() } }, ({ table }) => ({ messages: [{ role: 'user', content: { type: 'text', text: table } }] }));
}

/** How many `tools/call` requests for `tool` a backend received. */
function toolCalls(backend: HttpBackend, tool: string): number {
  return backend.requests.filter((request) => {
    const body = request.body as { method?: string; params?: { name?: string } } | undefined;
    return body?.method === 'tools/call' && body.params?.name === tool;
  }).length;
}

describe('security: boundaries of one gateway', function () {
  let oidc: TestOidcProvider;
  let devA: HttpBackend;
  let devB: HttpBackend;
  let prod: HttpBackend;
  let gateway: RunningGateway;
  let audit: AuditCollector;
  let user: string;
  const clients: Client[] = [];

  before(async function () {
    oidc = await startOidcProvider();
    devA = await startHttpBackend(devTools);
    devB = await startHttpBackend(devTools);
    prod = await startHttpBackend(prodDb);
    audit = auditCollector();
    gateway = await startGateway({
      servers: { 'dev-a': { type: 'http', url: devA.url, tags: ['dev'] }, 'dev-b': { type: 'http', url: devB.url, tags: ['dev'] }, 'prod-db': { type: 'http', url: prod.url } },
      plugins: [
        keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' }),
        rbac({
          default: 'deny',
          rules: [
            { effect: 'allow', roles: ['mcp-user'], servers: ['dev-*'] },
            { effect: 'allow', roles: ['mcp-admin'] },
            { effect: 'deny', tools: ['*__delete_*'] },
          ],
        }),
        broadcast(),
        audit.plugin,
      ],
    });
    user = await oidc.passwordToken('testuser');
  });

  after(async function () {
    for (const client of clients) await client.close().catch(() => undefined);
    await gateway?.stop();
    for (const backend of [devA, devB, prod]) await backend?.stop();
    await oidc?.stop();
  });

  const connect = async (url: string) => {
    const client = await connectClient(url, { token: user });
    clients.push(client);
    return client;
  };
  const rpcError = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code: number; message: string });
  const noDeniedCallArrived = () => {
    expect(toolCalls(devA, 'delete_item') + toolCalls(devB, 'delete_item'), 'delete_item calls').to.equal(0);
    expect(toolCalls(prod, 'query'), 'query calls').to.equal(0);
  };

  it('refuses a token in the query string, on REST and on /mcp', async function () {
    expect((await httpJson(`${gateway.url}/mcp/servers?access_token=${user}`)).status).to.equal(401);
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const mcp = await httpJson(`${gateway.mcpUrl}?access_token=${user}`, { body: initialize, headers: { accept: 'application/json, text/event-stream' } });
    expect(mcp.status).to.equal(401);
  });

  it('refuses a session id the client chose (fixation) and another principal\'s session (hijack)', async function () {
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const accept = { accept: 'application/json, text/event-stream' };
    const fixed = await httpJson(gateway.mcpUrl, { token: user, body: initialize, headers: { ...accept, 'mcp-session-id': 'chosen-by-attacker' } });
    expect(fixed.status).to.equal(404);
    const opened = await httpJson(gateway.mcpUrl, { token: user, body: initialize, headers: accept });
    const sessionId = opened.headers.get('mcp-session-id')!;
    expect(sessionId).to.match(/^[0-9a-f-]{36}$/);
    const other = await oidc.passwordToken('admin');
    const hijack = await httpJson(gateway.mcpUrl, { token: other, body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers: { ...accept, 'mcp-session-id': sessionId } });
    expect(hijack.status).to.equal(404);
  });

  it('never forwards the caller\'s token or cookies to a backend', async function () {
    const client = await connect(gateway.mcpUrl);
    await client.callTool({ name: 'dev-a__echo', arguments: { text: 'hi' } });
    await httpJson(`${gateway.url}/mcp/invoke?mcp_server=dev-b`, { token: user, body: { tool_name: 'echo', parameters: { text: 'hi' } }, headers: { cookie: 'session=abc123' } });
    const sent = [...devA.requests, ...devB.requests];
    expect(sent.length).to.be.greaterThan(0);
    expect(JSON.stringify(sent)).to.not.include(user.split('.')[2]!);
    expect(sent.some((request) => request.headers.cookie !== undefined || request.headers.authorization !== undefined)).to.equal(false);
  });

  it('records the socket address, not a forged X-Forwarded-For, when trustProxy is off', async function () {
    const requestId = 'forged-forwarded-for-1';
    const denied = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=prod-db`, { token: user, body: { tool_name: 'query', parameters: { sql: 'x' } }, headers: { 'x-forwarded-for': '203.0.113.66', 'x-request-id': requestId } });
    expect(denied.status).to.equal(403);
    await gateway.gateway.flushAudit();
    const event = audit.events.find((candidate) => candidate.request_id === requestId);
    expect(event?.client?.address).to.match(/127\.0\.0\.1$/);
  });

  it('answers 413 to oversized bodies on /mcp and REST, without calling a backend', async function () {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const mcp = await httpJson(gateway.mcpUrl, { token: user, body: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: huge } }, headers: { accept: 'application/json, text/event-stream' } });
    expect(mcp.status).to.equal(413);
    const rest = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=dev-a`, { token: user, body: { tool_name: 'echo', parameters: { text: huge } } });
    expect(rest.status).to.equal(413);
    expect(rest.body.message).to.be.a('string');
    expect(toolCalls(devA, 'echo')).to.equal(1);
  });

  it('refuses a denied tool through REST, /tools/{name}/invoke and a broadcast, calling no backend', async function () {
    expect((await httpJson(`${gateway.url}/mcp/invoke?mcp_server=prod-db`, { token: user, body: { tool_name: 'query', parameters: { sql: 'x' } } })).status).to.equal(403);
    expect((await httpJson(`${gateway.url}/mcp/invoke?mcp_server=dev-a`, { token: user, body: { tool_name: 'delete_item', parameters: { id: '1' } } })).status).to.equal(403);
    for (const name of ['prod-db__query', 'dev-a__delete_item', 'delete_item', 'broadcast__delete_item']) {
      const answer = await httpJson(`${gateway.url}/tools/${name}/invoke`, { token: user, body: { id: '1', sql: 'x' } });
      expect(answer.status === 403 || answer.body?.isError === true, `${name}: ${JSON.stringify(answer.body)}`).to.equal(true);
    }
    const fanned = await httpJson(`${gateway.url}/mcp/invoke-broadcast`, { token: user, body: { tool_name: 'delete_item', parameters: { id: '1' } } });
    expect(fanned.body.successful ?? 0, JSON.stringify(fanned.body)).to.equal(0);
    noDeniedCallArrived();
  });

  it('refuses a denied tool over MCP by broadcast, case variants and the transparent endpoint', async function () {
    const client = await connect(gateway.mcpUrl);
    for (const name of ['broadcast__delete_item', 'broadcast__by_tag__dev', 'DEV-A__delete_item', 'dev-a__DELETE_ITEM', 'prod-db__query', 'dev-a__delete_item\u0000']) {
      const args = name === 'broadcast__by_tag__dev' ? { tool_name: 'delete_item', arguments: { id: '1' } } : { id: '1', sql: 'x' };
      const result = await client.callTool({ name, arguments: args }).then((value) => value, (error: unknown) => ({ isError: true, error }));
      expect(result.isError, name).to.equal(true);
    }
    const scoped = await connect(`${gateway.url}/servers/dev-a/mcp`);
    expect((await rpcError(scoped.callTool({ name: 'delete_item', arguments: { id: '1' } })))?.code).to.equal(-32003);
    noDeniedCallArrived();
  });

  it('lists nothing of a denied server through tools/list params.server, prompts or completions', async function () {
    const client = await connect(gateway.mcpUrl);
    const listed = (await client.request({ method: 'tools/list', params: { server: 'prod-db' } } as never, (await import('@modelcontextprotocol/sdk/types.js')).ListToolsResultSchema)).tools;
    expect(listed.map((tool) => tool.name)).to.not.include('prod-db__query').and.not.include('query');
    expect((await client.listPrompts()).prompts).to.deep.equal([]);
    expect((await rpcError(client.getPrompt({ name: 'prod-db__report', arguments: { table: 't' } })))?.code).to.equal(-32003);
    expect((await rpcError(client.complete({ ref: { type: 'ref/prompt', name: 'prod-db__report' }, argument: { name: 'table', value: 'u' } })))?.code).to.equal(-32003);
    expect(prod.requests.some((request) => ['prompts/get', 'completion/complete'].includes((request.body as { method?: string })?.method ?? ''))).to.equal(false);
  });
});
