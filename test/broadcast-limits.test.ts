/**
 * What bounds a broadcast: the concurrency limit, the overall deadline, and the client. Each backend records when
 * its calls start and end and whether the gateway cancelled them, so the checks read the backends' own account.
 */
import { expect } from 'chai';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import { connectClient } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startLogsBackend, type LogsBackend } from './support/logs-server.js';
import { waitFor } from './support/wait.js';

interface Report {
  results: Record<string, unknown>;
  errors: Record<string, string>;
}

/** `count` log clusters answering after `delayMs`, and a gateway over them with the given broadcast options. */
async function cluster(count: number, delayMs: number, options: Parameters<typeof broadcast>[0]) {
  const backends: LogsBackend[] = [];
  for (let index = 1; index <= count; index++) backends.push(await startLogsBackend(`q${index}`, { delayMs }));
  const gateway = await startGateway({
    servers: Object.fromEntries(backends.map((backend, index) => [`q${index + 1}`, { type: 'http' as const, url: backend.url, timeout: 60 }])),
    plugins: [broadcast(options)],
  });
  const client = await connectClient(gateway.mcpUrl);
  return { backends, gateway, client };
}

async function stopAll(parts: { backends: LogsBackend[]; gateway: RunningGateway; client: Client } | undefined) {
  await parts?.client.close();
  await parts?.gateway.stop();
  for (const backend of parts?.backends ?? []) await backend.stop();
}

describe('broadcast: concurrency bound and deadline', function () {
  this.timeout(20_000);
  let parts: Awaited<ReturnType<typeof cluster>> | undefined;
  before(async function () {
    parts = await cluster(4, 500, { concurrency: 1, deadlineSeconds: 1.3 });
  });
  after(() => stopAll(parts));

  it('runs at most `concurrency` calls at once, cancels the call running at the deadline and never starts the rest', async function () {
    const { backends, client } = parts!;
    const result = await client.callTool({ name: 'broadcast__search_logs', arguments: { query: 'bounded' } });
    const report = result.structuredContent as unknown as Report;
    expect(Object.keys(report.results)).to.have.members(['q1', 'q2']);
    expect(report.errors).to.deep.equal({
      q3: 'no answer within the broadcast deadline (1.3s)',
      q4: 'not started within the broadcast deadline (1.3s)',
    });
    const [q1, q2, q3, q4] = backends.map((backend) => backend.calls);
    expect(q2![0]!.startedAt, 'q2 waited for q1').to.be.at.least(q1![0]!.endedAt!);
    expect(q3![0]!.startedAt, 'q3 waited for q2').to.be.at.least(q2![0]!.endedAt!);
    await waitFor(() => q3![0]!.cancelled, 'q3 to see its call cancelled at the deadline');
    expect(q4, 'q4 was never called').to.have.length(0);
  });
});

describe('broadcast: cancellation', function () {
  this.timeout(20_000);
  let parts: Awaited<ReturnType<typeof cluster>> | undefined;
  before(async function () {
    parts = await cluster(3, 15_000, {});
  });
  after(() => stopAll(parts));

  const allStarted = (query: string) => parts!.backends.every((backend) => backend.calls.some((call) => call.query === query));
  const allCancelled = (query: string) => parts!.backends.every((backend) => backend.calls.some((call) => call.query === query && call.cancelled));

  it('a client\'s cancellation reaches every backend call', async function () {
    const controller = new AbortController();
    const call = parts!.client.callTool({ name: 'broadcast__search_logs', arguments: { query: 'mcp-cancel' } }, CallToolResultSchema, { signal: controller.signal });
    const settled = call.then(() => 'answered', () => 'rejected');
    await waitFor(() => allStarted('mcp-cancel'), 'every backend to start its call');
    controller.abort();
    expect(await settled).to.equal('rejected');
    await waitFor(() => allCancelled('mcp-cancel'), 'every backend call to be cancelled');
  });

  it('a REST caller that goes away cancels every backend call too', async function () {
    const controller = new AbortController();
    const request = fetch(`${parts!.gateway.url}/mcp/invoke-broadcast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tool_name: 'search_logs', parameters: { query: 'rest-cancel' } }),
      signal: controller.signal,
    }).catch(() => undefined);
    await waitFor(() => allStarted('rest-cancel'), 'every backend to start its call');
    controller.abort();
    await request;
    await waitFor(() => allCancelled('rest-cancel'), 'every backend call to be cancelled');
  });
});
