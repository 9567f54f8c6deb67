/**
 * The plugin tested the two ways a plugin author needs: its rule alone (pure functions, no gateway), and inside a
 * real gateway with real MCP servers (server-everything over stdio) and the SDK client, as users will run it.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createGateway, definePlugin, RpcCode, type Gateway, type GatewayConfigInput, type ServerConfigInput } from '@secure-mcp-gateway/core';
import winston from 'winston';
import clientTag, { ClientTagStatsToken, type ClientTagStats } from '../src/index.js';
import { clientOf, decide } from '../src/client-policy.js';
import type { ResolvedClientTagOptions } from '../src/options.js';

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

/** A real MCP server (the reference "everything" server) run by the gateway over stdio. */
const everything = (tags: string[]): ServerConfigInput => ({ type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], tags, timeout: 30 });

/** A gateway on a free loopback port whose log lines are collected in `logs`. */
async function startGateway(config: GatewayConfigInput): Promise<{ gateway: Gateway; url: string; logs: string[] }> {
  const logs: string[] = [];
  const stream = new PassThrough({ objectMode: true }).on('data', (entry: { message: string }) => logs.push(entry.message));
  const logger = winston.createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream })] });
  const gateway = await createGateway({ ...config, server: { host: '127.0.0.1', port: 0 } }, { logger });
  const { url } = await gateway.start();
  return { gateway, url, logs };
}

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'client-tag-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  return client;
}

describe('client-tag plugin', function () {
  describe('the rule alone', function () {
    const options: ResolvedClientTagOptions = { header: 'x-mcp-client', clients: { ci: ['build'], console: ['*'] }, untagged: 'allow', summaryIntervalSeconds: 0 };

    it('reads the client from the header, refusing values that are not plain names', function () {
      expect(clientOf({ 'x-mcp-client': ' ci ' }, 'X-MCP-Client')).to.equal('ci');
      expect(clientOf({ 'x-mcp-client': ['ci', 'other'] }, 'x-mcp-client')).to.equal('ci');
      expect(clientOf({}, 'x-mcp-client')).to.equal(undefined);
      expect(clientOf({ 'x-mcp-client': 'ci\nforged log line' }, 'x-mcp-client')).to.equal(null);
    });

    it('has no opinion on a client\'s own servers, and denies the others with a reason', function () {
      expect(decide(options, 'ci', ['build', 'prod'])).to.equal(undefined);
      expect(decide(options, 'console', ['anything'])).to.equal(undefined);
      expect(decide(options, 'ci', ['prod'])).to.deep.equal({ allow: false, reason: 'client "ci" may only use servers tagged build' });
      expect(decide(options, 'robot', ['build'])).to.deep.equal({ allow: false, reason: 'unknown client "robot" in the "x-mcp-client" header' });
      expect(decide(options, null, ['build'])).to.deep.equal({ allow: false, reason: 'unknown client in the "x-mcp-client" header' });
    });

    it('leaves untagged requests to other policies unless told to deny them', function () {
      expect(decide(options, undefined, ['build'])).to.equal(undefined);
      expect(decide({ ...options, untagged: 'deny' }, undefined, ['build'])).to.deep.equal({ allow: false, reason: 'requests must name their client in the "x-mcp-client" header' });
    });
  });

  describe('inside a gateway', function () {
    let running: Awaited<ReturnType<typeof startGateway>>;
    let statsSeenByAnotherPlugin: ClientTagStats | undefined;

    /** Another plugin that uses the service this one provides, without importing anything but the token. */
    const statsReader = definePlugin<object>({
      name: 'stats-reader',
      dependsOn: ['client-tag'],
      setup(context) {
        context.onStart(() => void (statsSeenByAnotherPlugin = context.services.get(ClientTagStatsToken)));
      },
    });

    before(async function () {
      running = await startGateway({
        servers: { docs: everything(['docs']), ops: everything(['ops', 'production']) },
        plugins: [clientTag({ clients: { ci: ['docs'], console: ['*'] }, summaryIntervalSeconds: 3600 }), statsReader()],
      });
    });

    after(async function () {
      await running?.gateway.stop();
    });

    it('refuses bad options at start-up, naming each bad field', async function () {
      const bad = clientTag({ header: 'x mcp client', clients: { ci: [] }, untagged: 'maybe' } as never);
      const error = await createGateway({ servers: {}, plugins: [bad] }).then(() => undefined, (caught: Error) => caught);
      expect(error?.message).to.include('plugins.client-tag.header: must match pattern')
        .and.include('plugins.client-tag.clients.ci: must NOT have fewer than 1 items')
        .and.include('plugins.client-tag.untagged: must be one of "allow", "deny"');
    });

    it('shows a client only the tools of its servers, and refuses calls to the others over MCP', async function () {
      const client = await connect(running.url, { 'x-mcp-client': 'ci' });
      try {
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        expect(names).to.include('docs__echo');
        expect(names.filter((name) => name.startsWith('ops__'))).to.deep.equal([]);
        const echoed = await client.callTool({ name: 'docs__echo', arguments: { message: 'hi' } });
        expect(echoed.content).to.deep.equal([{ type: 'text', text: 'Echo: hi' }]);
        const refused = await client.callTool({ name: 'ops__echo', arguments: { message: 'hi' } }).then(() => undefined, (caught: unknown) => caught);
        expect(refused).to.be.instanceOf(McpError);
        expect((refused as McpError).code).to.equal(RpcCode.AccessDenied);
        expect((refused as McpError).message).to.include('client "ci" may only use servers tagged docs');
      } finally {
        await client.close();
      }
    });

    it('answers REST callers 403 with the reason, and leaves untagged callers to other policies', async function () {
      const invoke = (headers: Record<string, string>) => fetch(`${running.url}/mcp/invoke?mcp_server=ops`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ tool_name: 'echo', parameters: { message: 'x' } }),
      });
      const refused = await invoke({ 'x-mcp-client': 'unknown-bot' });
      expect(refused.status).to.equal(403);
      expect(await refused.json()).to.deep.include({ error: 'access_denied' }).and.have.property('message').that.includes('unknown client "unknown-bot"');
      const untagged = await invoke({});
      expect(untagged.status).to.equal(200);
      expect(await untagged.json()).to.deep.include({ success: true, mcp_server: 'ops' });
    });

    it('counts its decisions, shares them as a service and serves them to admins', async function () {
      expect(statsSeenByAnotherPlugin, 'the service another plugin got').to.not.equal(undefined);
      const counts = statsSeenByAnotherPlugin!.snapshot();
      expect(counts['ci']!.denied).to.be.greaterThan(0);
      expect(counts['unknown-bot']).to.deep.equal({ passed: 0, denied: 1 });
      const response = await fetch(`${running.url}/client-tag/stats`);
      expect(response.status).to.equal(200);
      expect(((await response.json()) as { clients: unknown }).clients).to.deep.equal(statsSeenByAnotherPlugin!.snapshot());
      const health = (await (await fetch(`${running.url}/health`)).text());
      expect(health).to.include('2 clients known');
    });

    it('refuses the stats to callers without the admin role', async function () {
      const plain = await startGateway({ servers: {}, access: { anonymousRoles: ['mcp-user'] }, plugins: [clientTag({ clients: {} })] });
      try {
        const response = await fetch(`${plain.url}/client-tag/stats`);
        expect(response.status).to.equal(403);
        expect(((await response.json()) as { message: string }).message).to.include('admin denied: requires one of the roles');
      } finally {
        await plain.gateway.stop();
      }
    });

    it('does its start and stop work with the gateway', async function () {
      const short = await startGateway({ servers: {}, plugins: [clientTag({ clients: { ci: ['docs'] } })] });
      expect(short.logs).to.include('clients identified by the "x-mcp-client" header: ci');
      await short.gateway.stop();
      expect(short.logs).to.include('final counts: no decisions yet');
    });
  });
});
