/**
 * A backend's answer is untrusted input: one that is too large must not be buffered whole (a backend could exhaust
 * the gateway's memory and take every other backend down with it). It is cut off and reported; the gateway and the
 * backend's ordinary answers carry on.
 */
import { expect } from 'chai';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { MAX_BACKEND_MESSAGE_BYTES } from '@secure-mcp-gateway/core';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

function flood(server: McpServer) {
  const huge = 'y'.repeat(MAX_BACKEND_MESSAGE_BYTES + 1024);
  server.registerTool('huge', {}, async () => ({ content: [{ type: 'text', text: huge }] }));
  server.registerTool('small', {}, async () => ({ content: [{ type: 'text', text: 'fine' }] }));
}

describe('security: oversized backend answers', function () {
  let backend: HttpBackend;
  let gateway: RunningGateway;

  before(async function () {
    backend = await startHttpBackend(flood, { record: false });
    gateway = await startGateway({ servers: { flood: { type: 'http', url: backend.url, timeout: 20 } } });
  });

  after(async function () {
    await gateway?.stop();
    await backend?.stop();
  });

  it('cuts off an answer over the per-message limit with a 502 naming the limit, well before the timeout', async function () {
    const started = Date.now();
    const answer = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=flood`, { body: { tool_name: 'huge' } });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).to.equal(502);
    expect(answer.body.message).to.include('MiB');
    expect(Date.now() - started).to.be.below(15_000);
  });

  it('keeps serving the same backend\'s ordinary answers', async function () {
    const answer = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=flood`, { body: { tool_name: 'small' } });
    expect(answer.status).to.equal(200);
    expect(answer.body.result.content).to.deep.equal([{ type: 'text', text: 'fine' }]);
  });
});
