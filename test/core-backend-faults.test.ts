/**
 * Backends that fail, with the SDK client in front of the gateway: a backend down at start (and coming back), one
 * slower than its `timeout`, a stdio backend that crashes mid-call, and backends that answer garbage. Each gives a
 * clear error with the right JSON-RPC code and HTTP status, quickly; the gateway and the other backends go on.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { calledTool, faultStdio, startGarbageProxy, type GarbageProxy } from './support/fault-backends.js';
import { freePort, startGateway, type RunningGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const BACKEND_UNAVAILABLE = -32002;
const REQUEST_TIMEOUT = -32001;
const BACKEND_ERROR = -32005;
const STDIO_TOKEN = `stdio-token-${process.pid}-${Date.now()}`;

/** `echo` and a `sleep` that stops when its request is cancelled. */
function steadyBackend(cancelled: string[]) {
  return (server: McpServer) => {
    server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
    server.registerTool('sleep', { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          cancelled.push(String(extra.requestId));
          resolve();
        });
      });
      return { content: [{ type: 'text', text: `slept ${ms} ms` }] };
    });
  };
}

const textOf = (result: unknown) => ((result as { content?: Array<{ text?: string }> }).content ?? [])[0]?.text;
const failureOf = (call: Promise<unknown>) => call.then(() => expect.fail('the call succeeded'), (error: unknown) => error as McpError);
const statusOf = async (gateway: RunningGateway, server: string) => (await httpJson(`${gateway.url}/health`)).body.servers[server]?.status as string;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('backend faults', function () {
  describe('a backend that is down at start', function () {
    let other: HttpBackend;
    let late: HttpBackend | undefined;
    let latePort: number;
    let gateway: RunningGateway;
    let client: Client;
    let dir: string;
    let silentPids: string;
    const alive = async () => (await readFile(silentPids, 'utf8')).split('\n').filter(Boolean).map(Number).filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });

    before(async function () {
      dir = await mkdtemp(join(tmpdir(), 'mcp-gw-faults-'));
      silentPids = join(dir, 'silent.pids');
      process.env['FAULT_TEST_STDIO_TOKEN'] = STDIO_TOKEN;
      other = await startHttpBackend(steadyBackend([]), { name: 'other' });
      latePort = await freePort();
      gateway = await startGateway({
        plugins: [envCredentials()],
        servers: {
          other: { type: 'http', url: other.url, timeout: 5 },
          late: { type: 'http', url: `http://127.0.0.1:${latePort}/mcp`, timeout: 5 },
          missing: { type: 'stdio', command: '/nonexistent/mcp-server', timeout: 5 },
          quitter: { type: 'stdio', command: process.execPath, args: ['-e', 'process.exit(1)'], timeout: 5 },
          // Refuses its arguments the way a CLI does, echoing the credential it was given; then exits.
          complainer: {
            type: 'stdio',
            command: process.execPath,
            args: ['-e', `console.error('\\x1b[31mstarting\\x1b[0m'); console.error('error: unknown option --prot (token ' + process.env.BACKEND_TOKEN + ')'); process.exit(2)`],
            auth: { method: 'bearer', location: 'env', name: 'BACKEND_TOKEN', format: 'raw', credential_ref: 'env://FAULT_TEST_STDIO_TOKEN' },
            timeout: 5,
          },
          // Node cannot load its entry module: a long stack trace, of which the message is kept.
          unloadable: { type: 'stdio', command: process.execPath, args: [join(dir, 'no-such-server.js')], timeout: 5 },
          // Starts and never answers: each attempt times out; it writes its pid so the test can see none is left behind.
          silent: { type: 'stdio', command: process.execPath, args: ['-e', `require('fs').appendFileSync(${JSON.stringify(silentPids)}, process.pid + '\\n'); process.stdin.resume()`], timeout: 1 },
        },
      });
      client = await connectClient(gateway.mcpUrl);
    });

    after(async function () {
      await client?.close();
      await gateway?.stop();
      await Promise.all([other?.stop(), late?.stop()]);
      await rm(dir, { recursive: true, force: true });
      delete process.env['FAULT_TEST_STDIO_TOKEN'];
    });

    it('does not stop the gateway: the other backend works', async function () {
      expect(textOf(await client.callTool({ name: 'other__echo', arguments: { message: 'still here' } }))).to.equal('still here');
      expect((await client.listTools()).tools.map((tool) => tool.name)).to.deep.equal(['other__echo', 'other__sleep']);
    });

    it('shows it down in /health and, with its last error, in GET /mcp/servers', async function () {
      const health = await httpJson(`${gateway.url}/health`);
      expect(health.status).to.equal(200);
      expect(health.body.status).to.equal('degraded');
      expect(health.body.servers).to.deep.equal({
        late: { status: 'down', tools: 0 },
        other: { status: 'up', tools: 2 },
        missing: { status: 'down', tools: 0 },
        quitter: { status: 'down', tools: 0 },
        complainer: { status: 'down', tools: 0 },
        unloadable: { status: 'down', tools: 0 },
        silent: { status: 'down', tools: 0 },
      });
      const servers = await httpJson(`${gateway.url}/mcp/servers`);
      const entry = servers.body.servers.find((server: { name: string }) => server.name === 'late');
      expect(entry).to.include({ status: 'down', tool_count: 0 });
      expect(entry.last_error).to.be.a('string').and.match(/server "late" is unreachable/);
    });

    it('shows stdio servers that cannot start down, with why', async function () {
      const servers = (await httpJson(`${gateway.url}/mcp/servers`)).body.servers as Array<{ name: string; status: string; last_error: string }>;
      const byName = Object.fromEntries(servers.map((server) => [server.name, server]));
      expect(byName['missing']).to.include({ status: 'down' });
      expect(byName['missing']!.last_error).to.match(/server "missing" is unreachable: .*ENOENT/);
      expect(byName['quitter']).to.deep.include({ status: 'down', last_error: 'server "quitter" closed the connection' });
      expect(byName['complainer']!.last_error).to.equal(
        'server "complainer" closed the connection; its stderr ended with: starting | error: unknown option --prot (token [REDACTED])',
      );
      expect(byName['unloadable']!.last_error).to.match(/^server "unloadable" closed the connection; its stderr ended with: .*Error: Cannot find module '.*no-such-server\.js'/);
      expect(byName['unloadable']!.last_error).not.to.match(/ at /);
      const info = await httpJson(`${gateway.url}/mcp/server/complainer/info`);
      expect(info.body.last_error).to.equal(byName['complainer']!.last_error);
      expect(JSON.stringify(await httpJson(`${gateway.url}/health`))).not.to.include('unknown option');
      const error = await failureOf(client.callTool({ name: 'missing__anything' }));
      expect(error.code).to.equal(BACKEND_UNAVAILABLE);
    });

    it('bounds a stdio server that never answers by its timeout, and leaves no process behind per attempt', async function () {
      this.timeout(15_000);
      const silent = (await httpJson(`${gateway.url}/mcp/servers`)).body.servers.find((server: { name: string }) => server.name === 'silent');
      expect(silent).to.deep.include({ status: 'down', last_error: 'server "silent" did not answer within 1s' });
      // Retries come after 1 s, 2 s, 4 s: wait for a few, then at most the attempt in progress may be running.
      await waitFor(async () => (await readFile(silentPids, 'utf8')).split('\n').filter(Boolean).length >= 3, 'three attempts', 12_000);
      expect((await alive()).length).to.be.at.most(1);
    });

    it('answers a call to it with JSON-RPC -32002 over MCP and 502 over REST, naming the server', async function () {
      const error = await failureOf(client.callTool({ name: 'late__echo', arguments: { message: 'x' } }));
      expect(error).to.be.instanceOf(McpError);
      expect(error.code).to.equal(BACKEND_UNAVAILABLE);
      expect(error.message).to.contain('server "late"');
      const rest = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=late`, { body: { tool_name: 'echo', parameters: { message: 'x' } } });
      expect(rest.status).to.equal(502);
      expect(rest.body).to.include({ error: 'backend_unavailable' });
      expect(rest.body.message).to.contain('server "late"');
    });

    it('answers initialize on its own endpoint /servers/late/mcp with 502 and JSON-RPC -32002', async function () {
      const transparent = new Client({ name: 'transparent', version: '1.0.0' });
      const error = await transparent.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/servers/late/mcp`))).then(
        () => expect.fail('connected'),
        (caught: StreamableHTTPError) => caught,
      );
      expect(error).to.be.instanceOf(StreamableHTTPError);
      expect(error.code).to.equal(502);
      expect(error.message).to.contain('"code":-32002').and.contain('server \\"late\\" is unreachable');
      await transparent.close();
    });

    it('reconnects on its own when the backend comes up, and its tools can be called', async function () {
      this.timeout(30_000);
      let listChanged = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listChanged++);
      late = await startHttpBackend(steadyBackend([]), { name: 'late', port: latePort });
      await waitFor(async () => (await statusOf(gateway, 'late')) === 'up', 'late to be reconnected', 25_000);
      await waitFor(() => listChanged > 0, 'tools/list_changed');
      expect((await client.listTools()).tools.map((tool) => tool.name)).to.include.members(['late__echo', 'late__sleep']);
      expect(textOf(await client.callTool({ name: 'late__echo', arguments: { message: 'back' } }))).to.equal('back');
      const servers = await httpJson(`${gateway.url}/mcp/servers`);
      expect(servers.body.servers.find((server: { name: string }) => server.name === 'late')).to.include({ status: 'up', last_error: null });
    });
  });

  describe('a backend whose tool list fails when the gateway connects', function () {
    const broken = { on: true };
    let backend: HttpBackend;
    let proxy: GarbageProxy;
    let gateway: RunningGateway;

    before(async function () {
      backend = await startHttpBackend(steadyBackend([]), { name: 'flaky' });
      proxy = await startGarbageProxy(backend.url, (body) =>
        broken.on && (body as { method?: string } | undefined)?.method === 'tools/list' ? { status: 200, contentType: 'application/json', body: '{ "jsonrpc": ' } : undefined,
      );
      gateway = await startGateway({ servers: { flaky: { type: 'http', url: proxy.url, timeout: 5 } } });
    });

    after(async function () {
      await gateway?.stop();
      await proxy?.stop();
      await backend?.stop();
    });

    it('shows it down with why, and brings it up by itself once the backend answers properly', async function () {
      this.timeout(15_000);
      const servers = await httpJson(`${gateway.url}/mcp/servers`);
      expect(servers.body.servers[0]).to.deep.include({ name: 'flaky', status: 'down', last_error: 'server "flaky" answered with an invalid message (not JSON)' });
      broken.on = false;
      await waitFor(async () => (await statusOf(gateway, 'flaky')) === 'up', 'flaky to come up', 10_000);
      const client = await connectClient(gateway.mcpUrl);
      try {
        expect(textOf(await client.callTool({ name: 'flaky__echo', arguments: { message: 'recovered' } }))).to.equal('recovered');
      } finally {
        await client.close();
      }
    });
  });

  describe('a backend slower than its timeout', function () {
    const cancelled: string[] = [];
    let slow: HttpBackend;
    let other: HttpBackend;
    let gateway: RunningGateway;
    let client: Client;

    before(async function () {
      [slow, other] = await Promise.all([startHttpBackend(steadyBackend(cancelled), { name: 'slow' }), startHttpBackend(steadyBackend([]), { name: 'other' })]);
      gateway = await startGateway({
        servers: { slow: { type: 'http', url: slow.url, timeout: 1 }, other: { type: 'http', url: other.url, timeout: 5 } },
      });
      client = await connectClient(gateway.mcpUrl);
    });

    after(async function () {
      await client?.close();
      await gateway?.stop();
      await Promise.all([slow?.stop(), other?.stop()]);
    });

    it('fails the call with JSON-RPC -32001 after the timeout, while other calls go on unaffected', async function () {
      const slowCall = timed(() => failureOf(client.callTool({ name: 'slow__sleep', arguments: { ms: 4_000 } })));
      const during = await timed(() => Promise.all([
        client.callTool({ name: 'slow__echo', arguments: { message: 'same backend' } }),
        client.callTool({ name: 'other__echo', arguments: { message: 'other backend' } }),
        httpJson(`${gateway.url}/health`),
      ]));
      expect(during.value.slice(0, 2).map(textOf)).to.deep.equal(['same backend', 'other backend']);
      expect(during.value[2].status).to.equal(200);
      expect(during.ms, 'calls during the slow one').to.be.below(800);
      const { value: error, ms } = await slowCall;
      expect(error.code).to.equal(REQUEST_TIMEOUT);
      expect(error.message).to.contain('server "slow" did not answer within 1s');
      expect(ms).to.be.within(900, 2_500);
    });

    it('cancels the timed-out request at the backend and keeps the backend up', async function () {
      await waitFor(() => cancelled.length > 0, 'the backend to see its request cancelled');
      expect(await statusOf(gateway, 'slow')).to.equal('up');
      expect(textOf(await client.callTool({ name: 'slow__sleep', arguments: { ms: 10 } }))).to.equal('slept 10 ms');
    });

    it('answers 504 over REST', async function () {
      const { value: rest, ms } = await timed(() => httpJson(`${gateway.url}/mcp/invoke?mcp_server=slow`, { body: { tool_name: 'sleep', parameters: { ms: 4_000 } } }));
      expect(rest.status).to.equal(504);
      expect(rest.body).to.deep.equal({ error: 'backend_timeout', message: 'server "slow" did not answer within 1s' });
      expect(ms).to.be.below(2_500);
    });
  });

  describe('a stdio backend that crashes mid-call', function () {
    let gateway: RunningGateway;
    let client: Client;
    const pidOf = async () => textOf(await client.callTool({ name: 'crashy__echo', arguments: { message: 'pid' } }))!.split(':')[0];

    before(async function () {
      gateway = await startGateway({ servers: { crashy: faultStdio({ timeout: 10 }) } });
      client = await connectClient(gateway.mcpUrl);
    });

    after(async function () {
      await client?.close();
      await gateway?.stop();
    });

    it('fails the call at once with JSON-RPC -32002, re-spawns the server, and later calls work', async function () {
      this.timeout(20_000);
      const firstPid = await pidOf();
      const { value: error, ms } = await timed(() => failureOf(client.callTool({ name: 'crashy__crash' })));
      expect(error.code).to.equal(BACKEND_UNAVAILABLE);
      expect(error.message).to.contain('server "crashy" closed the connection');
      expect(ms, 'not a hang until the 10 s timeout').to.be.below(3_000);
      await waitFor(async () => (await statusOf(gateway, 'crashy')) === 'up', 'the server to be re-spawned', 15_000);
      const secondPid = await pidOf();
      expect(secondPid).to.be.a('string').and.not.equal(firstPid);
    });

    it('answers 502 over REST for a crash, then serves again', async function () {
      this.timeout(20_000);
      const rest = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=crashy`, { body: { tool_name: 'crash' } });
      expect(rest.status).to.equal(502);
      expect(rest.body.error).to.equal('backend_unavailable');
      await waitFor(async () => (await statusOf(gateway, 'crashy')) === 'up', 'the server to be re-spawned', 15_000);
      expect(await pidOf()).to.match(/^\d+$/);
    });
  });

  describe('backends that answer garbage', function () {
    let backend: HttpBackend;
    let proxy: GarbageProxy;
    let webPage: GarbageProxy;
    let gateway: RunningGateway;
    let client: Client;

    before(async function () {
      backend = await startHttpBackend((server) => {
        steadyBackend([])(server);
        for (const name of ['non-json', 'not-jsonrpc', 'html-error']) server.registerTool(name, {}, async () => ({ content: [{ type: 'text', text: 'never seen' }] }));
      }, { name: 'garbage' });
      proxy = await startGarbageProxy(backend.url, (body) => {
        switch (calledTool(body)) {
          case 'non-json':
            return { status: 200, contentType: 'application/json', body: '{"jsonrpc":"2.0","result": <html>' };
          case 'not-jsonrpc':
            return { status: 200, contentType: 'application/json', body: '{"hello":"world"}' };
          case 'html-error':
            return { status: 500, contentType: 'text/html', body: '<html><body>Internal Server Error</body></html>' };
          default:
            return undefined;
        }
      });
      // Not an MCP server at all: a web page answers whatever is sent (the URL it would forward to is never used).
      webPage = await startGarbageProxy(backend.url, () => ({ status: 200, contentType: 'text/html', body: '<html><body>Welcome!</body></html>' }));
      gateway = await startGateway({
        servers: { junk: { type: 'http', url: proxy.url, timeout: 5 }, stdio: faultStdio({ timeout: 2 }), web: { type: 'http', url: webPage.url, timeout: 5 } },
      });
      client = await connectClient(gateway.mcpUrl);
    });

    after(async function () {
      await client?.close();
      await gateway?.stop();
      await Promise.all([proxy?.stop(), webPage?.stop()]);
      await backend?.stop();
    });

    for (const [tool, expected] of [
      ['non-json', /server "junk" answered with an invalid message/],
      ['not-jsonrpc', /server "junk" answered with an invalid message/],
      ['html-error', /server "junk" answered HTTP 500/],
    ] as const) {
      it(`gives a clear backend error for ${tool} over MCP and REST, and the backend still works`, async function () {
        const error = await failureOf(client.callTool({ name: `junk__${tool}` }));
        expect(error.code).to.equal(BACKEND_ERROR);
        expect(error.message).to.match(expected);
        const rest = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=junk`, { body: { tool_name: tool } });
        expect(rest.status).to.equal(502);
        expect(rest.body.error).to.equal('backend_error');
        expect(rest.body.message).to.match(expected);
        expect(textOf(await client.callTool({ name: 'junk__echo', arguments: { message: 'fine' } }))).to.equal('fine');
      });
    }

    it('shows a URL that is not an MCP server down with a clear last error, and answers calls to it with 502', async function () {
      const servers = await httpJson(`${gateway.url}/mcp/servers`);
      const web = servers.body.servers.find((server: { name: string }) => server.name === 'web');
      expect(web).to.include({ status: 'down', last_error: 'server "web" answered something that is not MCP: Unexpected content type: text/html' });
      const rest = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=web`, { body: { tool_name: 'anything' } });
      expect(rest.status).to.equal(502);
      expect(rest.body.message).to.equal('server "web" answered something that is not MCP: Unexpected content type: text/html');
    });

    it('ignores lines on a stdio server\'s stdout that are not JSON-RPC and takes its answer', async function () {
      expect(textOf(await client.callTool({ name: 'stdio__garbage-then-answer' }))).to.equal('answered after garbage');
    });

    it('times out a stdio call answered with garbage, and the server goes on serving', async function () {
      const before = textOf(await client.callTool({ name: 'stdio__echo', arguments: { message: 'a' } }));
      const { value: error, ms } = await timed(() => failureOf(client.callTool({ name: 'stdio__garbage-instead-of-answer' })));
      expect(error.code).to.equal(REQUEST_TIMEOUT);
      expect(error.message).to.contain('server "stdio" did not answer within 2s');
      expect(ms).to.be.below(3_500);
      const after = textOf(await client.callTool({ name: 'stdio__echo', arguments: { message: 'a' } }));
      expect(after).to.equal(before);
      expect((await httpJson(`${gateway.url}/health`)).body.servers).to.deep.include({ junk: { status: 'up', tools: 5 }, stdio: { status: 'up', tools: 4 }, web: { status: 'down', tools: 0 } });
    });
  });
});
