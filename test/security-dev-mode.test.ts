/**
 * Without an authentication plugin the gateway is a development tool on loopback, and every caller is trusted. A web
 * page must not be able to use it: neither by rebinding its own DNS name to 127.0.0.1 (the browser then sends that
 * name as Host) nor by calling it from another origin. The MCP transport specification asks for exactly this check.
 */
import { expect } from 'chai';
import { request } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

function echo(server: McpServer) {
  server.registerTool('echo', {}, async () => ({ content: [{ type: 'text', text: 'ran' }] }));
}

/** A raw HTTP POST, so that Host can be set as a browser under DNS rebinding would send it. */
function post(url: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const target = new URL(path, url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(data), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } } };
const INVOKE = { tool_name: 'echo', parameters: {} };

describe('security: an unauthenticated gateway and web pages', function () {
  let backend: HttpBackend;
  let gateway: RunningGateway;
  const toolCalls = () => backend.requests.filter((r) => (r.body as { method?: string })?.method === 'tools/call').length;

  before(async function () {
    backend = await startHttpBackend(echo);
    gateway = await startGateway({ servers: { local: { type: 'http', url: backend.url } } });
  });

  after(async function () {
    await gateway?.stop();
    await backend?.stop();
  });

  it('refuses a request whose Host is not a loopback name (DNS rebinding), on REST and /mcp', async function () {
    const port = new URL(gateway.url).port;
    const host = `rebind.attacker.example:${port}`;
    const rest = await post(gateway.url, '/mcp/invoke?mcp_server=local', INVOKE, { host, origin: `http://${host}` });
    const mcp = await post(gateway.url, '/mcp', INITIALIZE, { host });
    expect(rest.status, rest.body).to.equal(403);
    expect(JSON.parse(rest.body).message).to.include('loopback');
    expect(mcp.status, mcp.body).to.equal(403);
    expect(toolCalls()).to.equal(0);
  });

  it('refuses a page of another origin, even one that reaches 127.0.0.1 directly', async function () {
    const rest = await post(gateway.url, '/mcp/invoke?mcp_server=local', INVOKE, { origin: 'https://attacker.example' });
    const mcp = await post(gateway.url, '/mcp', INITIALIZE, { origin: 'null' });
    expect(rest.status, rest.body).to.equal(403);
    expect(mcp.status, mcp.body).to.equal(403);
    expect(toolCalls()).to.equal(0);
  });

  it('serves loopback names and origins, and clients that send no Origin', async function () {
    const port = new URL(gateway.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const answer = await post(gateway.url, '/mcp/invoke?mcp_server=local', INVOKE, { host, origin: `http://${host}` });
      expect(answer.status, answer.body).to.equal(200);
    }
    const client = await connectClient(gateway.mcpUrl);
    expect((await client.callTool({ name: 'local__echo', arguments: {} })).content).to.deep.equal([{ type: 'text', text: 'ran' }]);
    await client.close();
  });
});
