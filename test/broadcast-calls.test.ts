/**
 * Broadcast calls against real backends: two healthy log clusters (one slower), one whose index is down, one slower
 * than its own timeout, and `server-everything`. Checks the merged result in the seed's shape, partial and total
 * failure, that the targets run at once (from the backends' own timestamps), the audit trail, and the REST routes.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { everythingStdio } from './support/backends.js';
import { runCli } from './support/cli.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startLogsBackend, type LogsBackend, type LogsCall } from './support/logs-server.js';
import { waitFor } from './support/wait.js';

interface Report {
  results: Record<string, { content: Array<{ type: string; text?: string }> }>;
  errors: Record<string, string>;
  metadata: { tool_name: string; total_servers: number; successful: number; failed: number; execution_time_ms: number };
}

type Content = Array<{ type: string; text?: string; resource?: { uri: string; mimeType: string; text: string } }>;

const firstJson = (result: { content: Array<{ type: string; text?: string }> }) => JSON.parse(result.content[0]!.text!) as Record<string, unknown>;

describe('broadcast: calls, results and failures', function () {
  this.timeout(30_000);
  const logs: Record<string, LogsBackend> = {};
  let gateway: RunningGateway;
  let client: Client;
  let audit: AuditCollector;

  before(async function () {
    logs['logs-a'] = await startLogsBackend('logs-a', { delayMs: 600 });
    logs['logs-b'] = await startLogsBackend('logs-b', { delayMs: 1_000 });
    logs['logs-broken'] = await startLogsBackend('logs-broken', { failing: true });
    logs['logs-slow'] = await startLogsBackend('logs-slow', { delayMs: 10_000 });
    audit = auditCollector();
    gateway = await startGateway({
      servers: {
        'logs-a': { type: 'http', url: logs['logs-a'].url, tags: ['logging', 'production', 'elk-cluster'] },
        'logs-b': { type: 'http', url: logs['logs-b'].url, tags: ['logging', 'production', 'elk-cluster'] },
        'logs-broken': { type: 'http', url: logs['logs-broken'].url, tags: ['logging', 'elk-cluster', 'unreliable'] },
        'logs-slow': { type: 'http', url: logs['logs-slow'].url, tags: ['logging', 'unreliable'], timeout: 1.5 },
        everything: { ...everythingStdio(), tags: ['production', 'demo'] },
      },
      plugins: [broadcast(), audit.plugin],
    });
    client = await connectClient(gateway.mcpUrl);
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    for (const backend of Object.values(logs)) await backend.stop();
  });

  const callsFor = (query: string): LogsCall[] => Object.values(logs).flatMap((backend) => backend.calls.filter((call) => call.query === query));

  it('merges every answer into the seed\'s shape; a failing and a too-slow server are reported, not fatal', async function () {
    const result = await client.callTool({ name: 'broadcast__search_logs', arguments: { query: 'merged' } });
    expect(result.isError).to.equal(false);
    const content = result.content as Content;
    expect(content[0]).to.deep.equal({ type: 'text', text: "Successfully executed 'search_logs' on 2/4 servers (2 failed: logs-broken, logs-slow)" });
    expect(content[1]!.type).to.equal('resource');
    expect(content[1]!.resource).to.include({ uri: 'gateway://results/search_logs', mimeType: 'application/json' });
    const report = JSON.parse(content[1]!.resource!.text) as Report;
    expect(result.structuredContent).to.deep.equal(report);
    expect(Object.keys(report.results)).to.have.members(['logs-a', 'logs-b']);
    expect(firstJson(report.results['logs-a']!)).to.include({ server: 'logs-a', query: 'merged', limit: 10 });
    expect(firstJson(report.results['logs-b']!)).to.include({ server: 'logs-b', query: 'merged' });
    expect(report.errors['logs-broken']).to.equal('the tool reported an error: index unavailable on logs-broken');
    expect(report.errors['logs-slow']).to.match(/"logs-slow" did not answer within 1.5s/);
    expect(report.metadata).to.include({ tool_name: 'search_logs', total_servers: 4, successful: 2, failed: 2 });
    // The timed-out call was cancelled at the backend, not left running.
    await waitFor(() => logs['logs-slow']!.calls.some((call) => call.query === 'merged' && call.cancelled), 'logs-slow to see its call cancelled');
  });

  it('runs the targets at once: each backend call starts before any ends, so the total is the slowest, not the sum', async function () {
    const result = await client.callTool({ name: 'broadcast__by_tag__elk_cluster', arguments: { tool_name: 'search_logs', arguments: { query: 'parallel' } } });
    const report = result.structuredContent as unknown as Report;
    expect(report.metadata).to.include({ total_servers: 3, successful: 2, failed: 1 });
    const calls = callsFor('parallel');
    expect(calls.map((call) => call.server)).to.have.members(['logs-a', 'logs-b', 'logs-broken']);
    const lastStart = Math.max(...calls.map((call) => call.startedAt));
    const firstEnd = Math.min(...calls.map((call) => call.endedAt!));
    expect(lastStart, 'every call started before the first one ended').to.be.lessThan(firstEnd);
    const slowest = Math.max(...calls.map((call) => call.endedAt! - call.startedAt));
    const sum = calls.reduce((total, call) => total + (call.endedAt! - call.startedAt), 0);
    expect(report.metadata.execution_time_ms).to.be.at.least(Math.floor(slowest));
    expect(report.metadata.execution_time_ms, `total ${report.metadata.execution_time_ms} ms vs sum ${sum} ms`).to.be.lessThan(sum);
  });

  it('is an error (isError) only when every target failed', async function () {
    const result = await client.callTool({ name: 'broadcast__by_tag__unreliable', arguments: { tool_name: 'search_logs', arguments: { query: 'doomed' } } });
    expect(result.isError).to.equal(true);
    const text = (result.content as Content)[0]!.text!;
    expect(text).to.match(/^Failed to execute 'search_logs' on all 2 servers: logs-broken: the tool reported an error: index unavailable/);
    expect((result.structuredContent as unknown as Report).results).to.deep.equal({});
  });

  it('runs a tag broadcast only on the tagged servers that have the tool', async function () {
    const before = callsFor('echo-probe').length;
    const result = await client.callTool({ name: 'broadcast__by_tag__production', arguments: { tool_name: 'echo', arguments: { message: 'echo-probe' } } });
    const report = result.structuredContent as unknown as Report;
    expect(Object.keys(report.results)).to.deep.equal(['everything']);
    expect(report.results['everything']!.content[0]!.text).to.include('echo-probe');
    expect(report.metadata).to.include({ total_servers: 1, successful: 1, failed: 0 });
    expect(callsFor('echo-probe')).to.have.length(before);
  });

  it('refuses bad broadcast calls with clear MCP errors', async function () {
    const failure = (name: string, args?: Record<string, unknown>) => client.callTool({ name, ...(args ? { arguments: args } : {}) }).then(() => undefined, (error: Error & { code?: number }) => error);
    const noTool = await failure('broadcast__by_tag__logging', { arguments: {} });
    expect(noTool?.code).to.equal(-32602);
    expect(noTool?.message).to.include('needs "tool_name"');
    const unknownTag = await failure('broadcast__by_tag__nope', { tool_name: 'search_logs' });
    expect(unknownTag?.message).to.include('unknown broadcast tool "broadcast__by_tag__nope"').and.include('broadcast__by_tag__elk_cluster');
    const unshared = await failure('broadcast__echo', { message: 'x' });
    expect(unshared?.message).to.include('tool "echo" is not shared by enough up servers');
    const missingTool = await failure('broadcast__by_tag__elk_cluster', { tool_name: 'no_such_tool' });
    expect(missingTool?.message).to.include('no server tagged "elk-cluster" provides tool "no_such_tool"');
  });

  it('audits one broadcast event and one event per target, linked by parent_id', async function () {
    await client.callTool({ name: 'broadcast__by_tag__elk_cluster', arguments: { tool_name: 'search_logs', arguments: { query: 'audited' } } });
    await gateway.gateway.flushAudit();
    const parent = audit.events.filter((event) => event.event_type === 'broadcast' && event.tool === 'broadcast__by_tag__elk_cluster').at(-1)!;
    expect(parent.outcome).to.equal('success');
    expect(parent.details).to.deep.include({ strategy: 'broadcast', servers: ['logs-a', 'logs-b', 'logs-broken'] });
    const children = audit.events.filter((event) => event.parent_id === parent.id);
    expect(children.map((event) => `${event.event_type}:${event.server}:${event.tool}:${event.outcome}`)).to.have.members([
      'tool_call:logs-a:search_logs:success',
      'tool_call:logs-b:search_logs:success',
      'tool_call:logs-broken:search_logs:error',
    ]);
    expect(children.every((event) => (event.arguments as { query?: string }).query === 'audited')).to.equal(true);
  });

  describe('REST', function () {
    it('POST /mcp/invoke-broadcast answers {tool_name, total_servers, successful, failed, execution_time_ms, results, errors}', async function () {
      const { status, body } = await httpJson(`${gateway.url}/mcp/invoke-broadcast`, { body: { tool_name: 'search_logs', parameters: { query: 'rest', limit: 3 } } });
      expect(status).to.equal(200);
      expect(Object.keys(body)).to.have.members(['tool_name', 'total_servers', 'successful', 'failed', 'execution_time_ms', 'results', 'errors']);
      expect(body).to.include({ tool_name: 'search_logs', total_servers: 4, successful: 2, failed: 2 });
      expect(firstJson(body.results['logs-a'])).to.include({ server: 'logs-a', query: 'rest', limit: 3 });
      expect(body.errors['logs-broken']).to.include('index unavailable');
    });

    it('POST /mcp/invoke-broadcast narrows by tags and by mcp_servers, reporting named servers that cannot run the tool', async function () {
      const byTag = await httpJson(`${gateway.url}/mcp/invoke-broadcast`, { body: { tool_name: 'search_logs', parameters: { query: 'tagged' }, tags: ['elk-cluster'] } });
      expect(Object.keys(byTag.body.results)).to.have.members(['logs-a', 'logs-b']);
      expect(Object.keys(byTag.body.errors)).to.deep.equal(['logs-broken']);
      const named = await httpJson(`${gateway.url}/mcp/invoke-broadcast`, { body: { tool_name: 'search_logs', parameters: { query: 'named' }, mcp_servers: ['logs-a', 'everything'] } });
      expect(named.body).to.include({ total_servers: 2, successful: 1, failed: 1 });
      expect(named.body.errors).to.deep.equal({ everything: 'server "everything" has no tool "search_logs"' });
      expect(callsFor('named').map((call) => call.server)).to.deep.equal(['logs-a']);
    });

    it('POST /mcp/invoke-broadcast refuses bad input with 400 and unknown names with 404', async function () {
      const cases: Array<[unknown, number, string]> = [
        [[], 400, 'body must be a JSON object'],
        [{ parameters: {} }, 400, '"tool_name" must be a non-empty string'],
        [{ tool_name: 'search_logs', parameters: 'q' }, 400, '"parameters" must be a JSON object'],
        [{ tool_name: 'search_logs', tags: 'logging' }, 400, '"tags" must be a non-empty list'],
        [{ tool_name: 'search_logs', mcp_servers: ['nope'] }, 404, 'unknown server "nope"'],
        [{ tool_name: 'search_logs', mcp_servers: ['everything'] }, 404, 'no server of those named provides tool "search_logs": server "everything" has no tool "search_logs"'],
        [{ tool_name: 'no_such_tool' }, 404, 'no server that is up provides tool "no_such_tool"'],
      ];
      for (const [body, status, message] of cases) {
        const response = await httpJson(`${gateway.url}/mcp/invoke-broadcast`, { body });
        expect(response.status, JSON.stringify(body)).to.equal(status);
        expect(response.body.message).to.include(message);
      }
    });

    it('serves `mcp-gateway broadcast`: each server\'s answer and failure, exit code 1 when any failed', async function () {
      const run = await runCli(['broadcast', 'search_logs', '--param', 'query=cli', '--tags', 'elk-cluster'], { env: { MCP_GATEWAY_URL: gateway.url } });
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stdout).to.include('BROADCAST RESULTS: search_logs').and.include('Successful: 2').and.include('[logs-a]');
      expect(run.stdout).to.match(/\[logs-broken\] FAILED: .*index unavailable/);
      expect(run.stderr).to.include('1 of 3 servers failed');
    });

    it('GET /tools lists the aggregated catalog, broadcast tools included', async function () {
      const { status, body } = await httpJson(`${gateway.url}/tools`);
      expect(status).to.equal(200);
      const names = (body.tools as Array<{ name: string }>).map((tool) => tool.name);
      expect(names).to.include.members(['logs-a__search_logs', 'everything__echo', 'broadcast__search_logs', 'broadcast__by_tag__elk_cluster']);
    });

    it('POST /tools/{tool_name}/invoke broadcasts a backend tool name and calls catalog names as they are', async function () {
      const plain = await httpJson(`${gateway.url}/tools/search_logs/invoke`, { body: { query: 'seed' } });
      expect(plain.status).to.equal(200);
      expect(plain.body.isError).to.equal(false);
      expect(plain.body.content[0].text).to.equal("Successfully executed 'search_logs' on 2/4 servers (2 failed: logs-broken, logs-slow)");
      expect(plain.body.content[1].resource.uri).to.equal('gateway://results/search_logs');
      const tagged = await httpJson(`${gateway.url}/tools/broadcast__by_tag__elk_cluster/invoke`, { body: { tool_name: 'search_logs', arguments: { query: 'seed-tag' } } });
      expect(tagged.body.structuredContent.metadata).to.include({ total_servers: 3, successful: 2 });
      const single = await httpJson(`${gateway.url}/tools/everything__echo/invoke`, { body: { message: 'single' } });
      expect(single.body.content[0].text).to.include('single');
      const unknown = await httpJson(`${gateway.url}/tools/no_such_tool/invoke`, { body: {} });
      expect(unknown.status).to.equal(404);
      const badBody = await httpJson(`${gateway.url}/tools/search_logs/invoke`, { body: '[1]' });
      expect(badBody.status).to.equal(400);
    });
  });
});
