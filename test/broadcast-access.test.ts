/**
 * A broadcast checks access per target server: with rbac refusing one cluster, that cluster is skipped and
 * reported, never called, and the denial is audited under the broadcast; the other clusters answer as usual.
 * Listings are per caller: a broadcast names only the clusters its caller may use, and is not listed (nor callable)
 * when fewer than `minServers` of them remain.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import rbac from '@secure-mcp-gateway/plugin-rbac';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startLogsBackend, type LogsBackend } from './support/logs-server.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

interface Report {
  results: Record<string, unknown>;
  errors: Record<string, string>;
  metadata: { total_servers: number; successful: number; failed: number };
}

describe('broadcast: per-target authorization (rbac)', function () {
  this.timeout(20_000);
  const logs: Record<string, LogsBackend> = {};
  let gateway: RunningGateway;
  let client: Client;
  let audit: AuditCollector;

  before(async function () {
    for (const name of ['logs-a', 'logs-b', 'logs-secret']) logs[name] = await startLogsBackend(name);
    audit = auditCollector();
    gateway = await startGateway({
      servers: Object.fromEntries(Object.entries(logs).map(([name, backend]) => [name, { type: 'http' as const, url: backend.url, tags: ['logging'] }])),
      plugins: [
        rbac({ default: 'deny', rules: [{ effect: 'allow' }, { effect: 'deny', servers: ['logs-secret'], description: 'the secret cluster is off limits' }] }),
        broadcast(),
        audit.plugin,
      ],
    });
    client = await connectClient(gateway.mcpUrl);
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    for (const backend of Object.values(logs)) await backend.stop();
  });

  it('skips a server the caller may not use, reports it under errors and never calls it', async function () {
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).to.include('broadcast__search_logs').and.not.include('logs-secret__search_logs');
    const result = await client.callTool({ name: 'broadcast__search_logs', arguments: { query: 'secrets' } });
    const report = result.structuredContent as unknown as Report;
    expect(result.isError).to.equal(false);
    expect(Object.keys(report.results)).to.have.members(['logs-a', 'logs-b']);
    expect(report.errors['logs-secret']).to.include('denied').and.include('the secret cluster is off limits');
    expect(report.metadata).to.include({ total_servers: 3, successful: 2, failed: 1 });
    expect(logs['logs-secret']!.calls, 'no call reached the denied server').to.have.length(0);
  });

  it('audits the denial under the broadcast, next to the calls that ran', async function () {
    await client.callTool({ name: 'broadcast__by_tag__logging', arguments: { tool_name: 'search_logs', arguments: { query: 'audit-denial' } } });
    await gateway.gateway.flushAudit();
    const parent = audit.events.filter((event) => event.event_type === 'broadcast' && event.tool === 'broadcast__by_tag__logging').at(-1)!;
    const children = audit.events.filter((event) => event.parent_id === parent.id);
    expect(children.map((event) => `${event.event_type}:${event.server}:${event.outcome}`)).to.have.members([
      'tool_call:logs-a:success',
      'tool_call:logs-b:success',
      'access_denied:logs-secret:denied',
    ]);
  });

  it('over REST, a broadcast to denied servers only fails every target and calls none', async function () {
    const { status, body } = await httpJson(`${gateway.url}/mcp/invoke-broadcast`, { body: { tool_name: 'search_logs', parameters: { query: 'rest-denied' }, mcp_servers: ['logs-secret'] } });
    expect(status).to.equal(200);
    expect(body).to.include({ total_servers: 1, successful: 0, failed: 1 });
    expect(body.errors['logs-secret']).to.include('the secret cluster is off limits');
    expect(logs['logs-secret']!.calls).to.have.length(0);
  });
});

describe('broadcast: each caller sees only the servers they may use (rbac)', function () {
  this.timeout(20_000);
  const logs: Record<string, LogsBackend> = {};
  const clients: Client[] = [];
  let oidc: TestOidcProvider;
  let gateway: RunningGateway;
  const tokens: Record<'analyst' | 'intern' | 'auditor' | 'admin', string> = { analyst: '', intern: '', auditor: '', admin: '' };

  before(async function () {
    oidc = await startOidcProvider({
      users: [
        { username: 'analyst', password: 'analyst-pass', realmRoles: ['analyst'] },
        { username: 'intern', password: 'intern-pass', realmRoles: ['intern'] },
        { username: 'auditor', password: 'auditor-pass', realmRoles: ['auditor'] },
        { username: 'admin', password: 'admin-pass', realmRoles: ['mcp-admin'] },
      ],
    });
    for (const name of ['logs-a', 'logs-b', 'logs-secret']) logs[name] = await startLogsBackend(name);
    gateway = await startGateway({
      servers: Object.fromEntries(Object.entries(logs).map(([name, backend]) => [name, { type: 'http' as const, url: backend.url, tags: ['logging'] }])),
      plugins: [
        keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' }),
        rbac({
          default: 'deny',
          rules: [
            { effect: 'allow', roles: ['analyst', 'intern', 'auditor', 'mcp-admin'] },
            { effect: 'deny', roles: ['analyst', 'intern'], servers: ['logs-secret'], description: 'the secret cluster is off limits' },
            { effect: 'deny', roles: ['intern'], servers: ['logs-b'], description: 'interns search one cluster' },
            { effect: 'deny', roles: ['auditor'], servers: ['logs-secret'], tools: ['search_logs'], description: 'auditors see the secret cluster, not its logs' },
          ],
        }),
        broadcast(),
      ],
    });
    tokens.analyst = await oidc.passwordToken('analyst', 'analyst-pass');
    tokens.intern = await oidc.passwordToken('intern', 'intern-pass');
    tokens.auditor = await oidc.passwordToken('auditor', 'auditor-pass');
    tokens.admin = await oidc.passwordToken('admin', 'admin-pass');
  });

  after(async function () {
    for (const client of clients) await client.close().catch(() => undefined);
    await gateway?.stop();
    for (const backend of Object.values(logs)) await backend.stop();
    await oidc?.stop();
  });

  const mcpTools = async (token: string): Promise<Tool[]> => {
    const client = await connectClient(gateway.mcpUrl, { token });
    clients.push(client);
    return (await client.listTools()).tools;
  };
  const restTools = async (token: string): Promise<Tool[]> => {
    const { status, body } = await httpJson(`${gateway.url}/tools`, { token });
    expect(status).to.equal(200);
    return body.tools as Tool[];
  };
  const named = (tools: Tool[], name: string) => tools.find((tool) => tool.name === name);

  it('names only the two allowed clusters to a caller denied the third, over /mcp and GET /tools', async function () {
    for (const tools of [await mcpTools(tokens.analyst), await restTools(tokens.analyst)]) {
      const byTool = named(tools, 'broadcast__search_logs');
      expect(byTool?.description).to.include("on all 2 servers that provide it, at once: logs-a, logs-b.");
      const byTag = named(tools, 'broadcast__by_tag__logging');
      expect(byTag?.description).to.include('(2 servers: logs-a, logs-b)').and.include('search_logs (2)');
      expect(byTag?.inputSchema.properties?.['tool_name']).to.deep.include({ enum: ['search_logs'] });
      expect(JSON.stringify(tools), 'the denied cluster is named nowhere in the listing').not.to.include('logs-secret');
    }
  });

  it('runs the listed broadcast on the allowed clusters', async function () {
    const { status, body } = await httpJson(`${gateway.url}/tools/broadcast__search_logs/invoke`, { token: tokens.analyst, body: { query: 'analyst-run' } });
    expect(status).to.equal(200);
    expect(Object.keys(body.structuredContent.results)).to.have.members(['logs-a', 'logs-b']);
    expect(logs['logs-secret']!.calls.map((call) => call.query)).not.to.include('analyst-run');
  });

  it('does not list a broadcast to a caller left with one cluster (below minServers) and refuses to run it', async function () {
    for (const tools of [await mcpTools(tokens.intern), await restTools(tokens.intern)]) {
      const names = tools.map((tool) => tool.name);
      expect(names).to.include('logs-a__search_logs').and.not.include.members(['broadcast__search_logs', 'broadcast__by_tag__logging']);
      expect(JSON.stringify(tools)).not.to.include('logs-secret').and.not.to.include('logs-b');
    }
    const client = await connectClient(gateway.mcpUrl, { token: tokens.intern });
    clients.push(client);
    for (const call of [
      { name: 'broadcast__search_logs', arguments: { query: 'intern-run' } },
      { name: 'broadcast__by_tag__logging', arguments: { tool_name: 'search_logs', arguments: { query: 'intern-run' } } },
    ]) {
      const error = await client.callTool(call).then(() => undefined, (caught: unknown) => caught as { code: number; message: string });
      expect(error?.code, call.name).to.equal(-32003);
      expect(error?.message).to.include(`"${call.name}" is not available to you: you may use only 1 of its servers (logs-a), and a broadcast needs at least 2`);
      expect(error?.message).not.to.include('logs-secret').and.not.to.include('logs-b');
    }
    const rest = await httpJson(`${gateway.url}/tools/broadcast__search_logs/invoke`, { token: tokens.intern, body: { query: 'intern-run' } });
    expect(rest.status).to.equal(403);
    expect(JSON.stringify(rest.body)).to.include('is not available to you');
    const reached = Object.values(logs).flatMap((backend) => backend.calls).filter((call) => call.query === 'intern-run');
    expect(reached, 'no cluster is called for a refused broadcast').to.have.length(0);
  });

  it('counts a server for a tool only where the caller may call that tool there', async function () {
    for (const tools of [await mcpTools(tokens.auditor), await restTools(tokens.auditor)]) {
      expect(named(tools, 'broadcast__search_logs')?.description).to.include('on all 2 servers that provide it, at once: logs-a, logs-b.');
      // The auditor may use the secret cluster (so the tag tool names it) but not its search_logs.
      expect(named(tools, 'broadcast__by_tag__logging')?.description).to.include('(3 servers: logs-a, logs-b, logs-secret)').and.include('search_logs (2)');
    }
  });

  it('still names all three clusters to an admin', async function () {
    for (const tools of [await mcpTools(tokens.admin), await restTools(tokens.admin)]) {
      expect(named(tools, 'broadcast__search_logs')?.description).to.include('on all 3 servers that provide it, at once: logs-a, logs-b, logs-secret.');
      expect(named(tools, 'broadcast__by_tag__logging')?.description).to.include('(3 servers: logs-a, logs-b, logs-secret)').and.include('search_logs (3)');
    }
  });
});
