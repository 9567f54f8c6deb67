/**
 * A broadcast checks access per target server: with rbac refusing one cluster, that cluster is skipped and
 * reported, never called, and the denial is audited under the broadcast; the other clusters answer as usual.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import rbac from '@secure-mcp-gateway/plugin-rbac';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startLogsBackend, type LogsBackend } from './support/logs-server.js';

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
