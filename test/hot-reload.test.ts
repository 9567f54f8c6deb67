/**
 * Hot reload: editing mcp_servers.yaml (or asking for a reload) adds, removes and changes servers on a running
 * gateway. A live SDK client session keeps working throughout and is told `tools/list_changed`; servers that did not
 * change keep their backend connection (no new `initialize`).
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const echoTool = (label: string) => (server: McpServer) => {
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text: `${label}:${text}` }] }));
};

const initializeCount = (backend: HttpBackend) =>
  backend.requests.filter((request) => (request.body as { method?: string } | undefined)?.method === 'initialize').length;

function serversYaml(entries: Record<string, { url: string; timeout?: number; tags?: string[] }>): string {
  const lines = ['# servers for the hot-reload test (this comment must survive admin edits)', 'servers:'];
  for (const [name, entry] of Object.entries(entries)) {
    lines.push(`  ${name}:`, '    type: http', `    url: ${entry.url}`, `    timeout: ${entry.timeout ?? 30}`, `    tags: [${(entry.tags ?? []).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('hot reload of mcp_servers.yaml', function () {
  let dir: string;
  let file: string;
  let alpha: HttpBackend;
  let beta: HttpBackend;
  let gateway: RunningGateway;
  let client: Client;
  let audit: AuditCollector;
  let listChanged = 0;

  const toolNames = async () => (await client.listTools()).tools.map((tool) => tool.name).sort();
  const echo = async (name: string) => {
    const result = await client.callTool({ name, arguments: { text: 'hi' } });
    return { isError: result.isError === true, text: (result.content as Array<{ text?: string }>)[0]?.text };
  };

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-reload-'));
    file = join(dir, 'mcp_servers.yaml');
    alpha = await startHttpBackend(echoTool('alpha'), { name: 'alpha' });
    beta = await startHttpBackend(echoTool('beta'), { name: 'beta' });
    await writeFile(file, serversYaml({ alpha: { url: alpha.url } }));
    audit = auditCollector();
    gateway = await startGateway({ servers: file, plugins: [audit.plugin] }, dir);
    client = await connectClient(gateway.mcpUrl);
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listChanged++);
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    await alpha?.stop();
    await beta?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds a server written to the file; the live session sees its tools and is told list_changed', async function () {
    expect(await toolNames()).to.deep.equal(['alpha__echo']);
    const before = listChanged;
    await writeFile(file, serversYaml({ alpha: { url: alpha.url }, beta: { url: beta.url } }));
    await waitFor(() => listChanged > before, 'tools/list_changed after adding beta');
    await waitFor(async () => (await toolNames()).includes('beta__echo'), 'beta__echo in tools/list');
    expect(await echo('beta__echo')).to.deep.equal({ isError: false, text: 'beta:hi' });
    expect(await echo('alpha__echo')).to.deep.equal({ isError: false, text: 'alpha:hi' });
    expect(initializeCount(alpha), 'alpha kept its backend session').to.equal(1);
    await gateway.gateway.flushAudit();
    const reload = audit.events.find((event) => event.event_type === 'config_change' && event.outcome === 'success');
    expect(reload?.details).to.include({ action: 'servers_reload', source: 'file' });
    expect(reload?.details?.['added']).to.deep.equal(['beta']);
  });

  it('changes a timeout and tags in place without reconnecting the backend', async function () {
    const initialized = initializeCount(beta);
    await writeFile(file, serversYaml({ alpha: { url: alpha.url }, beta: { url: beta.url, timeout: 5, tags: ['logs'] } }));
    const change = await gateway.gateway.reloadServers();
    // The watcher may have applied the edit first; either way beta changed in place.
    expect(change.removed).to.deep.equal([]);
    await waitFor(async () => {
      const servers = await fetch(`${gateway.url}/mcp/servers`).then((response) => response.json() as Promise<{ servers: Array<{ name: string; timeout: number; tags: string[] }> }>);
      const entry = servers.servers.find((server) => server.name === 'beta');
      return entry?.timeout === 5 && entry.tags[0] === 'logs';
    }, 'beta with timeout 5 and tag logs');
    expect(await echo('beta__echo')).to.deep.equal({ isError: false, text: 'beta:hi' });
    expect(initializeCount(beta), 'beta kept its backend session').to.equal(initialized);
  });

  it('removes a server; its tools disappear, calls to it fail clearly, the other keeps working', async function () {
    const before = listChanged;
    await writeFile(file, serversYaml({ beta: { url: beta.url, timeout: 5, tags: ['logs'] } }));
    await waitFor(() => listChanged > before, 'tools/list_changed after removing alpha');
    await waitFor(async () => !(await toolNames()).includes('alpha__echo'), 'alpha__echo gone');
    const removed = await client.callTool({ name: 'alpha__echo', arguments: { text: 'hi' } }).then(
      (result) => JSON.stringify(result),
      (error: Error) => error.message,
    );
    expect(removed).to.match(/alpha__echo|unknown/i);
    expect(await echo('beta__echo')).to.deep.equal({ isError: false, text: 'beta:hi' });
  });

  it('refuses an invalid file, keeps the running servers and audits the failure', async function () {
    await writeFile(file, 'servers:\n  beta:\n    type: http\n    url: not-a-url\n');
    let message = '';
    await gateway.gateway.reloadServers().catch((error: Error) => (message = error.message));
    expect(message).to.match(/beta.*url/);
    expect(await echo('beta__echo')).to.deep.equal({ isError: false, text: 'beta:hi' });
    await gateway.gateway.flushAudit();
    expect(audit.events.some((event) => event.event_type === 'config_change' && event.outcome === 'error')).to.equal(true);
  });
});
