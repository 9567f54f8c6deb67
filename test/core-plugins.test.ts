/**
 * The plugin contract under failure: a plugin that throws at setup or start stops the gateway with a message naming
 * it; one that throws inside a hook fails only the request it was serving — a clean JSON-RPC or HTTP error that
 * names the plugin without its internals — and the gateway and later requests are fine.
 */
import { expect } from 'chai';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createGateway, definePlugin, PluginError, type GatewayConfigInput } from '@secure-mcp-gateway/core';
import { auditCollector } from './support/audit-collector.js';
import { everythingStdio } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

const INTERNAL_DETAIL = 'connect ECONNREFUSED 10.1.2.3:5432 (user=policy password=hunter2)';

/** While `outage.on`, a policy plugin whose store fails for one tool: it throws a plain error, as a bug would. */
const outage = { on: false };
const flakyPolicy = definePlugin<object>({
  name: 'flaky-policy',
  setup(context) {
    context.hooks.authorize((input) => {
      if (outage.on && input.action === 'tools/call' && input.target.tool === 'get-sum') throw new Error(INTERNAL_DETAIL);
      return undefined;
    });
  },
});

/** A catalog plugin that fails every time: the gateway must still serve the backends' own tools. */
const brokenCatalog = definePlugin<object>({
  name: 'broken-catalog',
  setup(context) {
    context.hooks.catalog(() => {
      throw new TypeError('cannot read properties of undefined');
    });
  },
});

/** An audit sink that always fails: isolated from the call and from other sinks. */
const brokenSink = definePlugin<object>({
  name: 'broken-sink',
  setup(context) {
    context.hooks.audit(() => {
      throw new Error('disk full');
    });
  },
});

async function creationError(config: GatewayConfigInput): Promise<Error> {
  return createGateway({ logging: { level: 'error', format: 'json' }, ...config }).then(
    async (gateway) => {
      await gateway.stop();
      return expect.fail('the gateway was created');
    },
    (error: Error) => error,
  );
}

describe('plugins that fail', function () {
  it('a plugin that throws in setup stops createGateway with a message naming it', async function () {
    const exploding = definePlugin<object>({ name: 'exploding', setup: () => { throw new Error('licence server unreachable'); } });
    const error = await creationError({ plugins: [exploding()] });
    expect(error).to.be.instanceOf(PluginError);
    expect(error.message).to.equal('plugin "exploding" failed in setup: licence server unreachable');
    const asyncFailure = definePlugin<object>({ name: 'async-exploding', setup: async () => Promise.reject(new Error('no database')) });
    expect((await creationError({ plugins: [asyncFailure()] })).message).to.equal('plugin "async-exploding" failed in setup: no database');
  });

  it('a plugin that throws when the gateway starts stops start() with a message naming it, and nothing keeps running', async function () {
    const stopped: string[] = [];
    const failingStart = definePlugin<object>({
      name: 'failing-start',
      setup(context) {
        context.onStart(() => {
          throw new Error('port for metrics is taken');
        });
        context.onStop(() => void stopped.push('failing-start'));
      },
    });
    const gateway = await createGateway({ servers: { everything: everythingStdio() }, plugins: [failingStart()], logging: { level: 'error', format: 'json' } });
    const error = await gateway.start().then(() => expect.fail('started'), (caught: Error) => caught);
    expect(error.message).to.equal('plugin "failing-start" failed in start: port for metrics is taken');
    await gateway.stop();
    expect(stopped).to.deep.equal(['failing-start']);
  });

  describe('a plugin that throws inside a hook', function () {
    const audit = auditCollector();
    let gateway: RunningGateway;

    before(async function () {
      gateway = await startGateway({ servers: { everything: everythingStdio() }, plugins: [flakyPolicy(), brokenCatalog(), brokenSink(), audit.plugin] });
    });

    after(async function () {
      await gateway?.stop();
    });

    it('fails that MCP call with a clean JSON-RPC error naming the plugin, not its internals', async function () {
      const client = await connectClient(gateway.mcpUrl);
      outage.on = true;
      try {
        const error = await client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 2 } }).then(() => expect.fail('succeeded'), (caught: McpError) => caught);
        expect(error).to.be.instanceOf(McpError);
        expect(error.code).to.equal(-32603);
        expect(error.message).to.equal('MCP error -32603: plugin "flaky-policy" failed in hook "authorize"');
        expect(JSON.stringify(error)).to.not.contain('hunter2');
        const echo = await client.callTool({ name: 'everything__echo', arguments: { message: 'later calls work' } });
        expect(JSON.stringify(echo.content)).to.contain('later calls work');
        outage.on = false;
        expect(JSON.stringify((await client.callTool({ name: 'everything__get-sum', arguments: { a: 1, b: 2 } })).content)).to.contain('3');
      } finally {
        outage.on = false;
        await client.close();
      }
    });

    it('fails that REST call with a 500 naming the plugin, and the next request is fine', async function () {
      outage.on = true;
      const failed = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=everything`, { body: { tool_name: 'get-sum', parameters: { a: 1, b: 2 } } });
      expect(failed.status).to.equal(500);
      expect(failed.body).to.deep.equal({ error: 'plugin_error', message: 'plugin "flaky-policy" failed in hook "authorize"' });
      outage.on = false;
      const ok = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=everything`, { body: { tool_name: 'get-sum', parameters: { a: 1, b: 2 } } });
      expect(ok.status).to.equal(200);
      expect(ok.body.success).to.equal(true);
    });

    it('records the failure, with its cause for the operator, in the audit trail', async function () {
      await gateway.gateway.flushAudit();
      const failure = audit.events.find((event) => event.event_type === 'tool_call' && event.tool === 'get-sum');
      expect(failure).to.include({ outcome: 'error', server: 'everything' });
      expect(failure?.error).to.contain('plugin "flaky-policy" failed in hook "authorize"');
    });

    it('serves the backends\' own tools when a catalog plugin fails', async function () {
      const client = await connectClient(gateway.mcpUrl);
      try {
        expect((await client.listTools()).tools.map((tool) => tool.name)).to.include('everything__echo');
      } finally {
        await client.close();
      }
    });

    it('keeps a failing audit sink from failing calls or starving the other sinks', async function () {
      const before = audit.events.length;
      const ok = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=everything`, { body: { tool_name: 'echo', parameters: { message: 'audited' } } });
      expect(ok.status).to.equal(200);
      await gateway.gateway.flushAudit();
      expect(audit.events.slice(before).some((event) => event.event_type === 'tool_call' && event.outcome === 'success')).to.equal(true);
      expect((await httpJson(`${gateway.url}/health`)).body.audit_sink_failures['broken-sink'].count).to.be.greaterThan(0);
    });
  });
});
