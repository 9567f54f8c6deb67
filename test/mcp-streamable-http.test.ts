/**
 * The front door's Streamable HTTP transport at the HTTP level: a plain answer is one JSON body, an answer with
 * progress is an SSE stream, and sessions, protocol versions, the GET stream, DELETE and Origin are checked as the
 * spec says. Raw fetch, so what goes over the wire is what is asserted.
 */
import { expect } from 'chai';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { everythingStdio } from './support/backends.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

const ACCEPT = 'application/json, text/event-stream';

describe('Streamable HTTP front door', function () {
  let gateway: RunningGateway;

  before(async function () {
    gateway = await startGateway({ servers: { everything: everythingStdio() }, server: { allowedOrigins: ['http://allowed.example'] } });
  });

  after(async function () {
    await gateway?.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(gateway.mcpUrl, { method: 'POST', headers: { accept: ACCEPT, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  async function openSession(): Promise<Record<string, string>> {
    const response = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/json');
    const id = response.headers.get('mcp-session-id')!;
    expect((await response.json()) as object).to.have.nested.property('result.serverInfo.name');
    const headers = { 'mcp-session-id': id, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
    expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status).to.equal(202);
    return headers;
  }

  const echo = (id: number, meta?: object) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: `m${id}` }, ...(meta ? { _meta: meta } : {}) } });

  it('answers a call with nothing to stream as one JSON body, a batch as an array', async function () {
    const session = await openSession();
    const single = await post(echo(1), session);
    expect(single.headers.get('content-type')).to.equal('application/json');
    expect(single.headers.get('mcp-session-id')).to.equal(session['mcp-session-id']);
    expect(await single.json()).to.deep.equal({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'Echo: m1' }] } });
    const batch = await post([echo(2), echo(3)], session);
    const answers = (await batch.json()) as Array<{ id: number }>;
    expect(answers.map((answer) => answer.id)).to.deep.equal([2, 3]);
  });

  it('switches to an SSE stream when the call sends progress, the response last', async function () {
    const session = await openSession();
    const response = await post({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'everything__trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 }, _meta: { progressToken: 'p' } } }, session);
    expect(response.headers.get('content-type')).to.equal('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean).map((event) => JSON.parse(event.replace(/^event: message\ndata: /, '')) as { method?: string; id?: number });
    expect(events.map((event) => event.method ?? `response ${event.id}`)).to.deep.equal(['notifications/progress', 'notifications/progress', 'response 7']);
  });

  it('refuses what the transport cannot serve, with the status and JSON-RPC error the spec gives', async function () {
    const session = await openSession();
    const cases: Array<[Promise<Response>, number]> = [
      [post(echo(1), { ...session, accept: 'application/json' }), 406],
      [fetch(gateway.mcpUrl, { method: 'POST', headers: { accept: ACCEPT, 'content-type': 'text/plain', ...session }, body: 'x' }), 415],
      [post({ not: 'json-rpc' }, session), 400],
      [post(echo(1), { ...session, 'mcp-protocol-version': '1999-01-01' }), 400],
      [post(echo(1), { ...session, 'mcp-session-id': 'not-a-session' }), 404],
      [post(echo(1), { ...session, origin: 'http://evil.example' }), 403],
    ];
    const statuses = await Promise.all(cases.map(async ([response]) => (await response).status));
    expect(statuses).to.deep.equal(cases.map(([, status]) => status));
    expect((await post(echo(1), { ...session, origin: 'http://allowed.example' })).status).to.equal(200);
  });

  it('keeps one GET stream per session, and DELETE ends the session', async function () {
    const session = await openSession();
    const stream = await fetch(gateway.mcpUrl, { headers: { accept: 'text/event-stream', ...session } });
    expect(stream.status).to.equal(200);
    expect(stream.headers.get('content-type')).to.equal('text/event-stream');
    const second = await fetch(gateway.mcpUrl, { headers: { accept: 'text/event-stream', ...session } });
    expect(second.status).to.equal(409);
    const deleted = await fetch(gateway.mcpUrl, { method: 'DELETE', headers: session });
    expect(deleted.status).to.equal(200);
    const ended = await stream.text(); // the GET stream ends with the session
    expect(ended).to.equal('');
    expect((await post(echo(1), session)).status).to.equal(404);
  });
});
