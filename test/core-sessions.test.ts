/**
 * MCP sessions on the Streamable HTTP front door, spoken to over plain HTTP so every status is visible: a request
 * needs the session `initialize` opened (400 without one, 404 for an unknown, expired, ended or someone else's),
 * DELETE ends it, and `/servers/<name>/mcp` authenticates before it says whether a server exists.
 */
import { expect } from 'chai';
import apiKey, { generateApiKey, hashApiKey } from '@secure-mcp-gateway/plugin-api-key';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { everythingStdio } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const PING = { jsonrpc: '2.0', id: 2, method: 'ping' };

interface RawOptions {
  method?: 'POST' | 'GET' | 'DELETE';
  sessionId?: string;
  token?: string;
}

/** One HTTP request to an MCP endpoint, as a Streamable HTTP client sends it. */
function raw(url: string, body: unknown, options: RawOptions = {}) {
  return httpJson(url, {
    method: options.method ?? 'POST',
    ...(body === undefined ? {} : { body }),
    ...(options.token ? { token: options.token } : {}),
    headers: {
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
      ...(options.sessionId ? { 'mcp-session-id': options.sessionId } : {}),
    },
  });
}

/** Opens a session with `initialize` (and `notifications/initialized`) and returns its id. */
async function openSession(url: string, token?: string): Promise<string> {
  const response = await raw(url, INITIALIZE, token ? { token } : {});
  expect(response.status, JSON.stringify(response.body)).to.equal(200);
  const sessionId = response.headers.get('mcp-session-id');
  expect(sessionId).to.be.a('string');
  await raw(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { sessionId: sessionId!, ...(token ? { token } : {}) });
  return sessionId!;
}

/** A JSON-RPC error answered by the transport itself: `id: null`, with the HTTP status of the error. */
function expectRpcError(response: { status: number; body: any }, status: number, code: number, message: RegExp): void {
  expect(response.status, JSON.stringify(response.body)).to.equal(status);
  expect(response.body.jsonrpc).to.equal('2.0');
  expect(response.body.error.code).to.equal(code);
  expect(response.body.error.message).to.match(message);
}

describe('MCP sessions', function () {
  describe('without authentication', function () {
    let gateway: RunningGateway;

    before(async function () {
      gateway = await startGateway({ servers: { everything: everythingStdio() }, sessions: { idleTimeoutSeconds: 1 } });
    });

    after(async function () {
      await gateway?.stop();
    });

    it('answers 400 to a request without a session id that is not initialize', async function () {
      expectRpcError(await raw(gateway.mcpUrl, PING), 400, -32602, /no session: send "initialize" first/);
      expectRpcError(await raw(gateway.mcpUrl, undefined, { method: 'GET' }), 400, -32602, /missing Mcp-Session-Id header/);
      expectRpcError(await raw(gateway.mcpUrl, undefined, { method: 'DELETE' }), 400, -32602, /missing Mcp-Session-Id header/);
    });

    it('answers 404 to an unknown session id, for every method', async function () {
      for (const method of ['POST', 'GET', 'DELETE'] as const) {
        const response = await raw(gateway.mcpUrl, method === 'POST' ? PING : undefined, { method, sessionId: 'no-such-session' });
        expectRpcError(response, 404, -32600, /session not found/);
      }
    });

    it('serves a session it opened, and 404 once DELETE ended it', async function () {
      const sessionId = await openSession(gateway.mcpUrl);
      const ping = await raw(gateway.mcpUrl, PING, { sessionId });
      expect(ping.status).to.equal(200);
      expect(JSON.stringify(ping.body)).to.contain('"result":{}');
      expect((await raw(gateway.mcpUrl, undefined, { method: 'DELETE', sessionId })).status).to.equal(200);
      expectRpcError(await raw(gateway.mcpUrl, PING, { sessionId }), 404, -32600, /session not found/);
    });

    it('ends the session of an SDK client that terminates it', async function () {
      const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl));
      const client = new Client({ name: 'terminating', version: '1' });
      await client.connect(transport);
      const sessionId = transport.sessionId!;
      expect(await client.ping()).to.deep.equal({});
      await transport.terminateSession();
      expectRpcError(await raw(gateway.mcpUrl, PING, { sessionId }), 404, -32600, /session not found/);
      await client.close();
    });

    it('expires an idle session: 404 afterwards, and the client must initialize again', async function () {
      this.timeout(10_000);
      const client = await connectClient(gateway.mcpUrl);
      const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
      // Any request would count as activity, so the session is left alone: 1 s idle plus one 1 s sweep, and a margin.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const response = await raw(gateway.mcpUrl, PING, { sessionId });
      expectRpcError(response, 404, -32600, /session not found/);
      await client.close();
      const again = await connectClient(gateway.mcpUrl);
      expect(await again.ping()).to.deep.equal({});
      await again.close();
    });

    it('does not let a session opened on /mcp be used on /servers/<name>/mcp', async function () {
      const sessionId = await openSession(gateway.mcpUrl);
      expectRpcError(await raw(`${gateway.url}/servers/everything/mcp`, PING, { sessionId }), 404, -32600, /session not found/);
    });
  });

  describe('with authentication', function () {
    const alice = generateApiKey();
    const bob = generateApiKey();
    let gateway: RunningGateway;

    before(async function () {
      gateway = await startGateway({
        servers: { everything: everythingStdio() },
        plugins: [apiKey({ keys: [{ id: 'alice', hash: hashApiKey(alice) }, { id: 'bob', hash: hashApiKey(bob) }] })],
      });
    });

    after(async function () {
      await gateway?.stop();
    });

    it('answers 401, not 404, to an unauthenticated caller of /servers/<name>/mcp, whether the server exists or not', async function () {
      for (const name of ['everything', 'nowhere']) {
        const response = await raw(`${gateway.url}/servers/${name}/mcp`, INITIALIZE);
        expectRpcError(response, 401, -32004, /authentication required/);
        expect(response.headers.get('www-authenticate')).to.match(/^Bearer /);
        expect(JSON.stringify(response.body)).to.not.contain(name);
      }
      expect((await raw(`${gateway.url}/servers/nowhere/mcp`, INITIALIZE, { token: 'mgw_wrong' })).status).to.equal(401);
    });

    it('answers 404 for an unknown server only to an authenticated caller', async function () {
      expectRpcError(await raw(`${gateway.url}/servers/nowhere/mcp`, INITIALIZE, { token: alice }), 404, -32602, /unknown server "nowhere"/);
      expect((await raw(`${gateway.url}/servers/everything/mcp`, INITIALIZE, { token: alice })).status).to.equal(200);
    });

    it('refuses a session to anyone but the principal that opened it (404, as if it did not exist)', async function () {
      const sessionId = await openSession(gateway.mcpUrl, alice);
      expect((await raw(gateway.mcpUrl, PING, { sessionId, token: alice })).status).to.equal(200);
      expectRpcError(await raw(gateway.mcpUrl, PING, { sessionId, token: bob }), 404, -32600, /session not found/);
      expect((await raw(gateway.mcpUrl, PING, { sessionId })).status).to.equal(401);
      expect((await raw(gateway.mcpUrl, undefined, { method: 'DELETE', sessionId, token: bob })).status).to.equal(404);
      expect((await raw(gateway.mcpUrl, PING, { sessionId, token: alice })).status, 'still alive after bob\'s DELETE').to.equal(200);
    });
  });
});
