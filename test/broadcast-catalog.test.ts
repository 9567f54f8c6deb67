/**
 * The broadcast plugin's generated tools against real backends: three log clusters sharing `search_logs`, the
 * reference `server-everything`, and one cluster that adds `search_logs` (with another schema) at runtime. Checks the
 * generated names and schemas, then that they follow a backend's list_changed, a server going down and coming back,
 * and a reload of the servers file — each time telling the client with notifications/tools/list_changed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { stringify } from 'yaml';
import { z } from 'zod';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import { everythingStdio, startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startLogsBackend, type LogsBackend } from './support/logs-server.js';
import { waitFor } from './support/wait.js';

/** A cluster that gains `search_logs` — with a `since` filter the others lack — when asked to. */
function lateCluster(server: McpServer) {
  server.registerTool('enable_search', { description: 'Turns log search on' }, async () => {
    server.registerTool('search_logs', { description: 'Search archived logs', inputSchema: { query: z.string(), since: z.string().describe('ISO date') } }, async ({ query }) => ({
      content: [{ type: 'text', text: `late: ${query}` }],
    }));
    return { content: [{ type: 'text', text: 'enabled' }] };
  });
}

const ELK = ['logging', 'production', 'elk-cluster'];

describe('broadcast: generated tools and live discovery', function () {
  this.timeout(40_000);
  const logs: Record<string, LogsBackend> = {};
  let late: HttpBackend;
  let gateway: RunningGateway;
  let client: Client;
  let dir: string;
  let serversFile: string;
  let listChanged = 0;

  const servers = (overrides: Record<string, object> = {}) => ({
    'logs-a': { type: 'http', url: logs['logs-a']!.url, tags: ELK, ...overrides['logs-a'] },
    'logs-b': { type: 'http', url: logs['logs-b']!.url, tags: ELK, ...overrides['logs-b'] },
    'logs-c': { type: 'http', url: logs['logs-c']!.url, tags: ['logging', 'staging', 'elk-cluster'], ...overrides['logs-c'] },
    everything: { ...everythingStdio(), tags: ['production', 'demo'] },
    late: { type: 'http', url: late.url },
  });
  const tools = async () => new Map((await client.listTools()).tools.map((tool) => [tool.name, tool]));
  const broadcastNames = async () => [...(await tools()).keys()].filter((name) => name.startsWith('broadcast__')).sort();
  const searchBroadcast = async () => (await tools()).get('broadcast__search_logs');

  before(async function () {
    for (const name of ['logs-a', 'logs-b', 'logs-c']) logs[name] = await startLogsBackend(name);
    late = await startHttpBackend(lateCluster, { name: 'late' });
    dir = await mkdtemp(join(tmpdir(), 'broadcast-catalog-'));
    serversFile = join(dir, 'mcp_servers.yaml');
    await writeFile(serversFile, stringify({ servers: servers() }));
    gateway = await startGateway({ servers: serversFile, plugins: [broadcast()] });
    client = await connectClient(gateway.mcpUrl);
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listChanged++);
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    for (const backend of [...Object.values(logs), late]) await backend?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('generates broadcast__<tool> for the shared tool and broadcast__by_tag__<tag> for tags on 2+ servers, normalised', async function () {
    expect(await broadcastNames()).to.deep.equal([
      'broadcast__by_tag__elk_cluster',
      'broadcast__by_tag__logging',
      'broadcast__by_tag__production',
      'broadcast__search_logs',
    ]); // no staging or demo (one server each), no echo (only everything has it)
  });

  it('gives broadcast__search_logs the tool\'s own input schema, the servers it reaches and the result\'s schema', async function () {
    const all = await tools();
    const tool = all.get('broadcast__search_logs')!;
    expect(tool.inputSchema).to.deep.equal(all.get('logs-a__search_logs')!.inputSchema);
    expect(tool.description).to.include('all 3 servers').and.include('logs-a, logs-b, logs-c').and.not.include('differ');
    expect(tool.annotations).to.deep.equal({ readOnlyHint: true });
    expect(tool.outputSchema?.required).to.deep.equal(['results', 'errors', 'metadata']);
  });

  it('gives tag broadcasts a {tool_name, arguments} input listing the tools their servers have', async function () {
    const tool = (await tools()).get('broadcast__by_tag__production')!;
    expect(tool.description).to.include("tagged 'production'").and.include('everything, logs-a, logs-b');
    const schema = tool.inputSchema as { properties: Record<string, { enum?: string[] }>; required: string[] };
    expect(schema.required).to.deep.equal(['tool_name']);
    expect(schema.properties['tool_name']!.enum).to.include.members(['search_logs', 'echo']);
    expect(schema.properties).to.have.property('arguments');
    expect((await tools()).get('broadcast__by_tag__elk_cluster')!.description).to.include("tagged 'elk-cluster'");
  });

  it('follows a backend\'s own list_changed, and says how differing schemas are reconciled', async function () {
    const before = listChanged;
    await client.callTool({ name: 'late__enable_search' });
    await waitFor(async () => (await searchBroadcast())?.description?.includes('late') ?? false, 'broadcast__search_logs to reach "late"');
    expect(listChanged).to.be.greaterThan(before);
    const tool = (await searchBroadcast())!;
    expect(tool.description).to.include('all 4 servers').and.include('differ (late | logs-a, logs-b, logs-c)');
    const schema = tool.inputSchema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).to.have.members(['query', 'limit', 'level', 'since']);
    expect(schema.required).to.deep.equal(['query', 'since']);
  });

  it('drops a server that went down from broadcast__search_logs and adds it back when it returns', async function () {
    const { port } = logs['logs-c']!;
    await logs['logs-c']!.stop();
    let before = listChanged;
    // The gateway learns that an HTTP backend is gone from a failed call; the broadcast reports it and goes on.
    const result = await client.callTool({ name: 'broadcast__search_logs', arguments: { query: 'outage', since: '2026-01-01' } });
    const report = result.structuredContent as { results: object; errors: Record<string, string> };
    expect(Object.keys(report.results)).to.have.members(['logs-a', 'logs-b', 'late']);
    expect(report.errors['logs-c']).to.include('"logs-c"');
    await waitFor(async () => !(await searchBroadcast())?.description?.includes('logs-c'), 'logs-c to leave broadcast__search_logs');
    expect(listChanged).to.be.greaterThan(before);
    // Still tagged and enabled: the tag broadcast keeps it and reports it down without calling it.
    const tagged = await client.callTool({ name: 'broadcast__by_tag__elk_cluster', arguments: { tool_name: 'search_logs', arguments: { query: 'outage' } } });
    expect((tagged.structuredContent as { errors: Record<string, string> }).errors['logs-c']).to.match(/"logs-c" is down, not called/);

    before = listChanged;
    logs['logs-c'] = await startLogsBackend('logs-c', { port });
    await waitFor(async () => (await searchBroadcast())?.description?.includes('logs-c') ?? false, 'logs-c to come back', 20_000);
    expect(listChanged).to.be.greaterThan(before);
  });

  it('follows a reload of the servers file: a disabled server and a new tag change the generated tools', async function () {
    const before = listChanged;
    await writeFile(serversFile, stringify({ servers: servers({ 'logs-b': { enabled: false }, 'logs-a': { tags: ['logging', 'staging'] } }) }));
    await gateway.gateway.reloadServers();
    await waitFor(async () => (await broadcastNames()).includes('broadcast__by_tag__staging'), 'broadcast__by_tag__staging to appear');
    expect(listChanged).to.be.greaterThan(before);
    expect(await broadcastNames()).to.deep.equal([
      'broadcast__by_tag__logging', // logs-a, logs-c
      'broadcast__by_tag__staging', // logs-a, logs-c
      'broadcast__search_logs', // logs-a, logs-c, late
    ]); // production and elk_cluster are down to one enabled server each
    expect((await searchBroadcast())!.description).to.include('late, logs-a, logs-c').and.not.include('logs-b');
  });
});

