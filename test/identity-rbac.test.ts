/**
 * Role-based access end to end: real tokens, the rbac plugin, and the three front doors (/mcp, /servers/<name>/mcp,
 * REST). Each caller sees exactly what it may call; a denied call is a 403 / MCP error, audited, never sent on.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
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
  server.registerResource('readme', 'docs://readme', {}, async (uri) => ({ contents: [{ uri: uri.href, text: 'hello' }] }));
  server.registerPrompt('greet', {}, () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }] }));
}

function prodDb(server: McpServer) {
  server.registerTool('query', { inputSchema: { sql: z.string() } }, async () => ({ content: [{ type: 'text', text: 'rows' }] }));
  server.registerResource('schema', 'db://schema', {}, async (uri) => ({ contents: [{ uri: uri.href, text: 'tables' }] }));
}

describe('identity: role-based access (rbac)', function () {
  let oidc: TestOidcProvider;
  let dev: HttpBackend;
  let prod: HttpBackend;
  let gateway: RunningGateway;
  let audit: AuditCollector;
  let userToken: string;
  let adminToken: string;
  const clients: Client[] = [];

  before(async function () {
    oidc = await startOidcProvider();
    dev = await startHttpBackend(devTools, { name: 'dev-tools' });
    prod = await startHttpBackend(prodDb, { name: 'prod-db' });
    audit = auditCollector();
    gateway = await startGateway({
      servers: { 'dev-tools': { type: 'http', url: dev.url }, 'prod-db': { type: 'http', url: prod.url } },
      plugins: [
        keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' }),
        rbac({
          default: 'deny',
          rules: [
            { effect: 'allow', roles: ['mcp-user'], servers: ['dev-*'] },
            { effect: 'allow', roles: ['mcp-admin'] },
            { effect: 'deny', tools: ['*__delete_*'], description: 'nobody deletes through the gateway' },
          ],
        }),
        audit.plugin,
      ],
    });
    userToken = await oidc.passwordToken('testuser');
    adminToken = await oidc.passwordToken('admin');
  });

  after(async function () {
    for (const client of clients) await client.close().catch(() => undefined);
    await gateway?.stop();
    await dev?.stop();
    await prod?.stop();
    await oidc?.stop();
  });

  const connect = async (url: string, token: string) => {
    const client = await connectClient(url, { token });
    clients.push(client);
    return client;
  };
  const backendToolCalls = (backend: HttpBackend, tool: string) =>
    backend.requests.filter((request) => {
      const body = request.body as { method?: string; params?: { name?: string } } | undefined;
      return body?.method === 'tools/call' && body.params?.name === tool;
    }).length;
  const names = (items: Array<{ name: string }>) => items.map((item) => item.name).sort();

  it('shows a user exactly the tools, resources and prompts it may use on /mcp', async function () {
    const client = await connect(gateway.mcpUrl, userToken);
    expect(names((await client.listTools()).tools)).to.deep.equal(['dev-tools__echo']);
    expect((await client.listResources()).resources.map((resource) => resource.uri)).to.deep.equal(['dev-tools__docs://readme']);
    expect(names((await client.listPrompts()).prompts)).to.deep.equal(['dev-tools__greet']);
    const admin = await connect(gateway.mcpUrl, adminToken);
    expect(names((await admin.listTools()).tools)).to.deep.equal(['dev-tools__echo', 'prod-db__query']);
  });

  it('runs allowed calls and refuses the others with an MCP access error, never reaching the backend', async function () {
    const client = await connect(gateway.mcpUrl, userToken);
    const ok = await client.callTool({ name: 'dev-tools__echo', arguments: { text: 'allowed' } });
    expect(ok.content).to.deep.equal([{ type: 'text', text: 'allowed' }]);
    for (const [name, args, backend, tool] of [
      ['dev-tools__delete_item', { id: '1' }, dev, 'delete_item'],
      ['prod-db__query', { sql: 'select 1' }, prod, 'query'],
    ] as const) {
      const error = await client.callTool({ name, arguments: args }).then(() => undefined, (caught: unknown) => caught as { code: number; message: string });
      expect(error, name).to.not.equal(undefined);
      expect(error!.code).to.equal(-32003);
      expect(error!.message).to.match(/denied/);
      expect(backendToolCalls(backend, tool)).to.equal(0);
    }
    const read = await client.readResource({ uri: 'prod-db__db://schema' }).then(() => undefined, (caught: unknown) => caught as { code: number });
    expect(read?.code).to.equal(-32003);
  });

  it('audits every denied call as access_denied with who and what', async function () {
    await gateway.gateway.flushAudit();
    const denied = audit.events.filter((event) => event.event_type === 'access_denied');
    const deletes = denied.find((event) => event.tool === 'delete_item');
    expect(deletes).to.deep.include({ outcome: 'denied', server: 'dev-tools', error: 'denied by rbac rule 2 ("nobody deletes through the gateway")' });
    expect(deletes!.principal?.username).to.equal('testuser');
    expect(denied.some((event) => event.server === 'prod-db' && event.tool === 'query')).to.equal(true);
  });

  it('opens /servers/<name>/mcp only on servers the caller may use, with only the allowed tools', async function () {
    const client = await connect(`${gateway.url}/servers/dev-tools/mcp`, userToken);
    expect(names((await client.listTools()).tools)).to.deep.equal(['echo']);
    const error = await client.callTool({ name: 'delete_item', arguments: { id: '2' } }).then(() => undefined, (caught: unknown) => caught as { code: number });
    expect(error?.code).to.equal(-32003);
    const refused = await connectClient(`${gateway.url}/servers/prod-db/mcp`, { token: userToken }).then(() => undefined, (caught: unknown) => caught as Error & { code?: number });
    expect(refused?.code).to.equal(403);
    expect(String(refused)).to.match(/denied/);
    const raw = await httpJson(`${gateway.url}/servers/prod-db/mcp`, {
      token: userToken,
      headers: { accept: 'application/json, text/event-stream' },
      body: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } },
    });
    expect(raw.status).to.equal(403);
    expect(raw.body.error).to.deep.include({ code: -32003 });
    expect(raw.body.error.message).to.match(/server\/access on server "prod-db" denied/);
    const admin = await connect(`${gateway.url}/servers/prod-db/mcp`, adminToken);
    expect(names((await admin.listTools()).tools)).to.deep.equal(['query']);
  });

  it('applies the same rules to the REST API', async function () {
    const servers = await httpJson(`${gateway.url}/mcp/servers`, { token: userToken });
    expect(servers.body.servers.map((server: { name: string }) => server.name)).to.deep.equal(['dev-tools']);
    const tools = await httpJson(`${gateway.url}/mcp/list-tools?mcp_server=dev-tools`, { token: userToken });
    expect(names(tools.body.tools)).to.deep.equal(['echo']);
    const listProd = await httpJson(`${gateway.url}/mcp/list-tools?mcp_server=prod-db`, { token: userToken });
    expect(listProd.status).to.equal(403);
    expect(listProd.body.error).to.equal('access_denied');
    const invoke = (tool: string, token: string) => httpJson(`${gateway.url}/mcp/invoke?mcp_server=dev-tools`, { token, body: { tool_name: tool, parameters: { id: '3', text: 'x' } } });
    expect((await invoke('echo', userToken)).status).to.equal(200);
    const deleted = await invoke('delete_item', adminToken);
    expect(deleted.status).to.equal(403);
    expect(deleted.body.message).to.include('nobody deletes');
    expect(backendToolCalls(dev, 'delete_item')).to.equal(0);
    const adminServers = await httpJson(`${gateway.url}/mcp/servers`, { token: adminToken });
    expect(adminServers.body.count).to.equal(2);
  });
});
