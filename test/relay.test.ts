/**
 * What travels between client and backend through the gateway besides requests and results: progress
 * notifications, cancellation, server→client requests (sampling, elicitation, roots) and list_changed when a
 * backend's tools change or the backend goes down and comes back.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageRequestSchema,
  CreateMessageResultSchema,
  ElicitRequestSchema,
  ElicitResultSchema,
  ListRootsRequestSchema,
  ListRootsResultSchema,
  type Progress,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { auditCollector } from './support/audit-collector.js';
import { everythingStdio, startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

/** Tools that ask the client things, wait to be cancelled, or change the tool list at runtime. */
function relayBackend(cancelled: string[]) {
  return (server: McpServer) => {
    server.registerTool('ask-model', { inputSchema: { question: z.string() } }, async ({ question }, extra) => {
      const answer = await extra.sendRequest(
        { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: question } }], maxTokens: 50 } },
        CreateMessageResultSchema,
      );
      return { content: [{ type: 'text', text: `model ${answer.model} said: ${(answer.content as { text: string }).text}` }] };
    });
    server.registerTool('ask-user', {}, async (extra) => {
      const answer = await extra.sendRequest(
        { method: 'elicitation/create', params: { message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } },
        ElicitResultSchema,
      );
      return { content: [{ type: 'text', text: `${answer.action}:${String(answer.content?.['name'])}` }] };
    });
    server.registerTool('show-roots', {}, async (extra) => {
      const roots = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema);
      return { content: [{ type: 'text', text: roots.roots.map((root) => root.uri).join(',') }] };
    });
    server.registerTool('wait-for-cancel', { inputSchema: { label: z.string() } }, async ({ label }, extra) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          cancelled.push(label);
          resolve();
        });
      });
      return { content: [{ type: 'text', text: 'not cancelled' }] };
    });
    server.registerTool('count-up', {}, async (extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let step = 1; progressToken !== undefined && step <= 3; step++) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: step, total: 3, message: `step ${step}` } });
      }
      return { content: [{ type: 'text', text: 'counted' }] };
    });
    server.registerTool('add-tool', { inputSchema: { name: z.string() } }, async ({ name }) => {
      server.registerTool(name, {}, async () => ({ content: [{ type: 'text', text: `I am ${name}` }] }));
      return { content: [{ type: 'text', text: 'added' }] };
    });
  };
}

const textOf = (result: unknown) => ((result as { content?: Array<{ text?: string }> }).content ?? [])[0]?.text;

describe('relaying between client and backend', function () {
  const cancelled: string[] = [];
  const audit = auditCollector();
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let plain: Client;
  let capable: Client;
  const seen: { sampling: unknown[]; elicitation: unknown[] } = { sampling: [], elicitation: [] };
  let listChanged = 0;

  before(async function () {
    backend = await startHttpBackend(relayBackend(cancelled), { name: 'relay-backend' });
    gateway = await startGateway({ servers: { relay: { type: 'http', url: backend.url, timeout: 20 }, everything: everythingStdio() }, plugins: [audit.plugin] });
    plain = await connectClient(gateway.mcpUrl, { name: 'plain' });
    plain.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listChanged++);
    capable = await connectClient(gateway.mcpUrl, { name: 'capable', capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
    capable.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      seen.sampling.push(request.params);
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'forty-two' } };
    });
    capable.setRequestHandler(ElicitRequestSchema, async (request) => {
      seen.elicitation.push(request.params);
      return { action: 'accept', content: { name: 'Ada' } };
    });
    capable.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
  });

  after(async function () {
    await Promise.all([plain?.close(), capable?.close()]);
    await gateway?.stop();
    await backend?.stop();
  });

  it('relays progress notifications of a long-running stdio tool to the caller', async function () {
    const progress: Progress[] = [];
    const result = await plain.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, {
      onprogress: (update) => void progress.push(update),
    });
    expect(textOf(result)).to.contain('Long running operation completed');
    expect(progress.map((update) => [update.progress, update.total])).to.deep.equal([[1, 3], [2, 3], [3, 3]]);
  });

  it('relays every progress notification of an HTTP backend, messages included', async function () {
    const progress: Progress[] = [];
    const result = await plain.callTool({ name: 'relay__count-up' }, undefined, { onprogress: (update) => void progress.push(update) });
    expect(textOf(result)).to.equal('counted');
    expect(progress).to.deep.equal([1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step}` })));
  });

  it('relays cancellation: the backend receives notifications/cancelled for its own request', async function () {
    const controller = new AbortController();
    const call = plain.callTool({ name: 'relay__wait-for-cancel', arguments: { label: 'first' } }, undefined, { signal: controller.signal });
    const backendCall = () => backend.requests.find((request) => JSON.stringify(request.body ?? null).includes('"label":"first"'));
    await waitFor(() => backendCall() !== undefined, 'the call to reach the backend');
    controller.abort('user pressed stop');
    const error = await call.then(() => undefined, (caught: Error) => caught);
    expect(error, 'the client sees its call aborted').to.be.instanceOf(Error);
    await waitFor(() => cancelled.includes('first'), 'the backend tool to see its signal aborted');
    const requestId = (backendCall()!.body as { id: number }).id;
    const notice = backend.requests.find((request) => (request.body as { method?: string })?.method === 'notifications/cancelled');
    expect((notice?.body as { params?: { requestId?: unknown } })?.params?.requestId).to.equal(requestId);
    const event = () => audit.events.find((e) => e.event_type === 'tool_call' && e.tool === 'wait-for-cancel');
    await waitFor(() => event() !== undefined, 'the audit event of the cancelled call');
    expect(event()).to.include({ outcome: 'error', error: 'call to server "relay" was cancelled: user pressed stop' });
  });

  it('relays a sampling request to the client that made the call, and its answer back', async function () {
    const result = await capable.callTool({ name: 'relay__ask-model', arguments: { question: 'What is six times seven?' } });
    expect(textOf(result)).to.equal('model test-model said: forty-two');
    expect(seen.sampling).to.have.length(1);
    expect(JSON.stringify(seen.sampling[0])).to.contain('What is six times seven?');
  });

  it('relays an elicitation request and the user\'s answer', async function () {
    const result = await capable.callTool({ name: 'relay__ask-user' });
    expect(textOf(result)).to.equal('accept:Ada');
    expect((seen.elicitation[0] as { message?: string }).message).to.equal('Your name?');
  });

  it('relays roots/list to the client', async function () {
    const result = await capable.callTool({ name: 'relay__show-roots' });
    expect(textOf(result)).to.equal('file:///work/project');
  });

  it('relays sampling to a client that declared only sampling, and refuses it elicitation cleanly', async function () {
    const samplingOnly = await connectClient(gateway.mcpUrl, { name: 'sampling-only', capabilities: { sampling: {} } });
    try {
      samplingOnly.setRequestHandler(CreateMessageRequestSchema, async () => ({ model: 'm', role: 'assistant', content: { type: 'text', text: 'nine' } }));
      expect(textOf(await samplingOnly.callTool({ name: 'relay__ask-model', arguments: { question: 'three squared?' } }))).to.contain('nine');
      const elicited = await samplingOnly.callTool({ name: 'relay__ask-user' }).then(
        (result) => ({ isError: result.isError === true, text: textOf(result) ?? '' }),
        (error: Error) => ({ isError: true, text: error.message }),
      );
      expect(elicited.isError).to.equal(true);
      expect(seen.elicitation, 'no other client was asked').to.have.length(1);
    } finally {
      await samplingOnly.close();
    }
  });

  it('fails a server→client request cleanly when the calling client cannot answer it', async function () {
    const outcome = await plain.callTool({ name: 'relay__ask-model', arguments: { question: 'anyone?' } }).then(
      (result) => ({ isError: result.isError === true, text: textOf(result) ?? '' }),
      (error: Error) => ({ isError: true, text: error.message }),
    );
    expect(outcome.isError).to.equal(true);
    expect(outcome.text).to.match(/sampling|capabilit|not supported|method not found/i);
    expect(seen.sampling, 'no other client was asked').to.have.length(1);
  });

  it('sends tools/list_changed when a backend adds a tool at runtime, and the new tool can be called', async function () {
    const before = listChanged;
    expect(textOf(await plain.callTool({ name: 'relay__add-tool', arguments: { name: 'late-tool' } }))).to.equal('added');
    await waitFor(() => listChanged > before, 'tools/list_changed');
    expect((await plain.listTools()).tools.map((tool) => tool.name)).to.include('relay__late-tool');
    expect(textOf(await plain.callTool({ name: 'relay__late-tool' }))).to.equal('I am late-tool');
  });

  it('sends tools/list_changed when a backend goes down and again when it comes back', async function () {
    this.timeout(20_000);
    const { port } = backend;
    let before = listChanged;
    await backend.stop();
    const failed = await plain.callTool({ name: 'relay__late-tool' }).then(() => undefined, (error: Error) => error);
    expect(failed?.message).to.contain('"relay"');
    await waitFor(async () => (await httpJson(`${gateway.url}/health`)).body.servers.relay.status === 'down', '/health to show relay down');
    await waitFor(() => listChanged > before, 'tools/list_changed after relay went down');
    expect((await plain.listTools()).tools.some((tool) => tool.name.startsWith('relay__'))).to.equal(false);

    before = listChanged;
    backend = await startHttpBackend(relayBackend(cancelled), { name: 'relay-backend', port });
    await waitFor(() => listChanged > before, 'tools/list_changed after relay came back', 15_000);
    expect((await plain.listTools()).tools.map((tool) => tool.name)).to.include('relay__ask-model');
    expect((await httpJson(`${gateway.url}/health`)).body.servers.relay.status).to.equal('up');
    expect(textOf(await plain.callTool({ name: 'relay__add-tool', arguments: { name: 'again' } }))).to.equal('added');
  });
});
