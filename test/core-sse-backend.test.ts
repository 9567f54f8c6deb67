/**
 * A backend over the older HTTP+SSE transport (`type: sse`), behind the gateway: its tools, resources and prompts
 * under `<server>__<name>`, results and progress passed through, and a clear error once it goes away.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startSseBackend, type SseBackend } from './support/sse-backend.js';
import { waitFor } from './support/wait.js';

function legacyBackend(server: McpServer): void {
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
    structuredContent: { sum: a + b },
  }));
  server.registerTool('count', {}, async (extra) => {
    const progressToken = extra._meta?.progressToken;
    for (let step = 1; progressToken !== undefined && step <= 3; step++) {
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: step, total: 3 } });
    }
    return { content: [{ type: 'text', text: 'counted' }] };
  });
  server.registerResource('motd', 'legacy://motd', { mimeType: 'text/plain' }, async (uri) => ({ contents: [{ uri: uri.href, text: 'hello from SSE' }] }));
  server.registerPrompt('greet', { argsSchema: { name: z.string() } }, ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Greet ${name}` } }] }));
}

describe('a backend over HTTP+SSE', function () {
  let backend: SseBackend;
  let gateway: RunningGateway;
  let client: Client;

  before(async function () {
    backend = await startSseBackend(legacyBackend, { name: 'legacy' });
    gateway = await startGateway({ servers: { legacy: { type: 'sse', url: backend.url, timeout: 5 } } });
    client = await connectClient(gateway.mcpUrl);
  });

  after(async function () {
    await client?.close();
    await gateway?.stop();
    await backend?.stop();
  });

  it('lists and calls its tools, results unchanged', async function () {
    const tools = (await client.listTools()).tools;
    expect(tools.map((tool) => tool.name)).to.deep.equal(['legacy__add', 'legacy__count']);
    expect(tools[0]?.description).to.equal('Adds two numbers');
    const result = await client.callTool({ name: 'legacy__add', arguments: { a: 2, b: 40 } });
    expect(result).to.deep.equal({ content: [{ type: 'text', text: '42' }], structuredContent: { sum: 42 } });
  });

  it('relays every progress notification', async function () {
    const progress: Progress[] = [];
    const result = await client.callTool({ name: 'legacy__count' }, undefined, { onprogress: (update) => void progress.push(update) });
    expect((result.content as Array<{ text: string }>)[0]?.text).to.equal('counted');
    expect(progress).to.deep.equal([1, 2, 3].map((step) => ({ progress: step, total: 3 })));
  });

  it('reads its resources and gets its prompts', async function () {
    expect((await client.listResources()).resources.map((resource) => resource.uri)).to.deep.equal(['legacy__legacy://motd']);
    const read = await client.readResource({ uri: 'legacy__legacy://motd' });
    expect(read.contents).to.deep.equal([{ uri: 'legacy__legacy://motd', text: 'hello from SSE' }]);
    const prompt = await client.getPrompt({ name: 'legacy__greet', arguments: { name: 'Ada' } });
    expect(prompt.messages).to.deep.equal([{ role: 'user', content: { type: 'text', text: 'Greet Ada' } }]);
  });

  it('answers -32002 naming the server once it goes away, and shows it down', async function () {
    await backend.stop();
    const error = await client.callTool({ name: 'legacy__add', arguments: { a: 1, b: 1 } }).then(() => expect.fail('succeeded'), (caught: McpError) => caught);
    expect(error.code).to.equal(-32002);
    expect(error.message).to.contain('server "legacy"');
    await waitFor(async () => (await httpJson(`${gateway.url}/health`)).body.servers.legacy.status === 'down', '/health to show legacy down');
  });
});
