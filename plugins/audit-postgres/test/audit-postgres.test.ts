import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { AuditStoreToken, definePlugin, type AuditStore } from '@secure-mcp-gateway/core';
import auditPostgres, { auditPostgres as namedAuditPostgres } from '@secure-mcp-gateway/plugin-audit-postgres';
import { auditEmitter, sampleToolCall } from '../../../test/support/audit-emitter.js';
import { startHttpBackend, type HttpBackend } from '../../../test/support/backends.js';
import { connectClient, httpJson } from '../../../test/support/client.js';
import { startGateway, type RunningGateway } from '../../../test/support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { waitFor } from '../../../test/support/wait.js';

/** A plugin that hands the test the AuditStore service another plugin provides. */
function storeProbe() {
  const probe: { store?: AuditStore } = {};
  const plugin = definePlugin<object>({ name: 'store-probe', setup: (context) => context.onStart(() => void (probe.store = context.services.get(AuditStoreToken))) })();
  return { probe, plugin };
}

describe('audit-postgres plugin', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let dir: string;
  let proxy: TcpProxy;
  let backend: HttpBackend;
  const running: RunningGateway[] = [];

  const viaProxy = () => db.url.replace(':5432/', `:${proxy.port}/`);
  const count = async (table = 'audit_events') => Number((await db.query<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);
  const requestIds = async (table = 'audit_events') => (await db.query<{ request_id: string }>(`select request_id from ${table} order by seq`)).map((row) => row.request_id);
  async function start(options: Parameters<typeof auditPostgres>[0], extra: { anonymousRoles?: string[]; failClosed?: boolean } = {}) {
    const emitter = auditEmitter();
    const { probe, plugin } = storeProbe();
    const gateway = await startGateway({
      servers: extra.failClosed ? { echo: { type: 'streamable-http', url: backend.url } } : {},
      ...(extra.anonymousRoles ? { access: { anonymousRoles: extra.anonymousRoles } } : {}),
      ...(extra.failClosed ? { audit: { failClosed: true } } : {}),
      plugins: [emitter.plugin, auditPostgres({ spoolFile: join(dir, 'spool.jsonl'), retryIntervalMs: 100, queryTimeoutMs: 2_000, ...options }), plugin],
    });
    running.push(gateway);
    return { gateway, emitter, probe };
  }

  before(async function () {
    db = await createTestDatabase('audit_pg');
    proxy = await startTcpProxy(5432);
    backend = await startHttpBackend((server: McpServer) => {
      server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
    }, { name: 'echo', record: false });
  });

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'audit-pg-'));
  });

  afterEach(async function () {
    await proxy.restore();
    for (const gateway of running.splice(0)) await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  });

  after(async function () {
    await proxy?.stop();
    await backend?.stop();
    await db?.drop();
  });

  it('exports the factory as default and named', function () {
    expect(auditPostgres).to.equal(namedAuditPostgres);
  });

  it('creates its table with indexes and writes every field of an event', async function () {
    const { gateway, emitter } = await start({ connectionString: db.url, table: 'fields' });
    const event = sampleToolCall(1, { trace_id: 'a'.repeat(32), parent_id: 'parent-1', details: { note: 'x\u0000y' }, error: 'boom', outcome: 'error' });
    emitter.emit(event);
    await waitFor(async () => (await count('fields')) === 1, 'the event row');
    const [row] = await db.query(`select * from fields`);
    expect(row).to.deep.include({
      id: event.id, event_type: 'tool_call', outcome: 'error', request_id: 'req-1', trace_id: 'a'.repeat(32), parent_id: 'parent-1',
      principal_sub: 'user-1', principal_username: 'alice', principal_roles: ['mcp-user'], client_address: '127.0.0.1', user_agent: 'audit-test',
      session_id: 'session-1', channel: 'mcp', server: 'echo', tool: 'echo', error: 'boom', duration_ms: 1.5, result_size: '42',
    });
    expect(row!['arguments']).to.deep.equal({ message: 'call 1' });
    expect(row!['details']).to.deep.equal({ note: 'x\uFFFDy' });
    const indexes = (await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'fields'`)).map((r) => r.indexname);
    expect(indexes).to.include.members(['fields_username_idx', 'fields_server_idx', 'fields_tool_idx', 'fields_outcome_idx', 'fields_ts_idx']);
    await gateway.stop();
  });

  it('writes an event with values PostgreSQL would refuse, so it cannot block the events after it', async function () {
    const { emitter } = await start({ connectionString: db.url, table: 'odd' });
    emitter.emit(sampleToolCall(1, { duration_ms: 'slow' as unknown as number, result_size: 1.5, timestamp: 'not a date' }));
    emitter.emit(sampleToolCall(2));
    await waitFor(async () => (await count('odd')) === 2, 'both rows');
    const rows = await db.query<{ request_id: string; duration_ms: number | null; result_size: string | null }>(`select request_id, duration_ms, result_size from odd order by seq`);
    expect(rows).to.deep.equal([{ request_id: 'req-1', duration_ms: null, result_size: null }, { request_id: 'req-2', duration_ms: 1.5, result_size: '42' }]);
  });

  it('lets a small batch gather for flushIntervalMs, writes a full one at once, and writes what gathers when stopped', async function () {
    const { gateway, emitter } = await start({ connectionString: db.url, table: 'gathered', batchSize: 10, flushIntervalMs: 4_000 });
    await gateway.gateway.flushAudit();
    for (let i = 0; i < 3; i++) emitter.emit(sampleToolCall(i));
    await gateway.gateway.flushAudit();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await count('gathered'), 'three events still gathering').to.equal(0);
    for (let i = 3; i < 10; i++) emitter.emit(sampleToolCall(i));
    await waitFor(async () => (await count('gathered')) === 10, 'the full batch, before the interval ends', 3_000);
    emitter.emit(sampleToolCall(10));
    await gateway.gateway.flushAudit();
    await gateway.stop();
    running.splice(running.indexOf(gateway), 1);
    expect(await requestIds('gathered')).to.deep.equal(Array.from({ length: 11 }, (_, i) => `req-${i}`));
  });

  it('answers queries by user, server, tool, outcome, type and time, in pages, and GET /audit to admins only', async function () {
    const { gateway, emitter, probe } = await start({ connectionString: db.url, table: 'queried' });
    for (let i = 0; i < 30; i++) {
      emitter.emit(sampleToolCall(i, {
        principal: { sub: `sub-${i % 3}`, username: `user${i % 3}`, roles: [] },
        server: i % 2 ? 'odd' : 'even', tool: i < 10 ? 'search' : 'write', outcome: i % 5 === 0 ? 'denied' : 'success',
        timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      }));
    }
    await waitFor(async () => (await count('queried')) === 30, 'the rows');
    const store = probe.store!;
    expect((await store.query({ user: 'user1' })).events).to.have.length(10);
    expect((await store.query({ user: 'sub-2', server: 'even' })).events).to.have.length(5);
    expect((await store.query({ tool: 'search', outcome: 'denied' })).events.map((e) => e.request_id)).to.deep.equal(['req-5', 'req-0']);
    expect((await store.query({ from: new Date(Date.UTC(2026, 0, 1, 0, 20)), to: new Date(Date.UTC(2026, 0, 1, 0, 22)) })).events.map((e) => e.request_id)).to.deep.equal(['req-21', 'req-20']);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await store.query({ limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...result.events.map((e) => e.request_id!));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    expect(seen).to.deep.equal(Array.from({ length: 30 }, (_, i) => `req-${29 - i}`));

    const response = await httpJson(`${gateway.url}/audit?user=user0&outcome=success&limit=2`);
    expect(response.status).to.equal(200);
    expect(response.body.events.map((e: { request_id: string }) => e.request_id)).to.deep.equal(['req-27', 'req-24']);
    expect(response.body.next_cursor).to.be.a('string');
    const next = await httpJson(`${gateway.url}/audit?user=user0&outcome=success&limit=2&cursor=${response.body.next_cursor}`);
    expect(next.body.events.map((e: { request_id: string }) => e.request_id)).to.deep.equal(['req-21', 'req-18']);
    expect((await httpJson(`${gateway.url}/audit?outcome=maybe`)).status).to.equal(400);
    expect((await httpJson(`${gateway.url}/audit?usr=alice`)).status).to.equal(400);
    expect((await httpJson(`${gateway.url}/audit?cursor=nonsense`)).status).to.equal(400);

    const user = await start({ connectionString: db.url, table: 'queried', spoolFile: join(dir, 'other.jsonl') }, { anonymousRoles: ['mcp-user'] });
    const refused = await httpJson(`${user.gateway.url}/audit`);
    expect(refused.status).to.equal(403);
    expect(JSON.stringify(refused.body)).to.not.include('req-');
  });

  it('loses no event and keeps their order when PostgreSQL is unreachable mid-burst', async function () {
    const { gateway, emitter } = await start({ connectionString: viaProxy(), table: 'outage', batchSize: 100 });
    const total = 3000;
    for (let i = 0; i < total; i++) {
      if (i === 1000) {
        await gateway.gateway.flushAudit();
        await proxy.cut();
      }
      if (i === 2000) {
        await gateway.gateway.flushAudit();
        await waitFor(async () => (await httpJson(`${gateway.url}/health`)).body.plugins['audit-postgres'].status === 'degraded', 'the writer to notice the outage');
        await proxy.restore();
      }
      emitter.emit(sampleToolCall(i));
    }
    await waitFor(async () => (await count('outage')) === total, `all ${total} rows`, 20_000);
    expect(await requestIds('outage')).to.deep.equal(Array.from({ length: total }, (_, i) => `req-${i}`));
    await waitFor(async () => (await httpJson(`${gateway.url}/health`)).body.plugins['audit-postgres'].status === 'ok', 'the writer to write directly again');
    expect((await readFile(join(dir, 'spool.jsonl'), 'utf8'))).to.equal('');
  });

  it('replays a spool left by an earlier run, before new events', async function () {
    await proxy.cut();
    const first = await start({ connectionString: viaProxy(), table: 'restart' });
    for (let i = 0; i < 50; i++) first.emitter.emit(sampleToolCall(i));
    await first.gateway.stop();
    running.splice(running.indexOf(first.gateway), 1);
    expect((await readFile(join(dir, 'spool.jsonl'), 'utf8')).trim().split('\n')).to.have.length(50);

    await proxy.restore();
    const second = await start({ connectionString: viaProxy(), table: 'restart' });
    second.emitter.emit(sampleToolCall(50));
    await waitFor(async () => (await count('restart')) === 51, 'the replayed rows');
    expect(await requestIds('restart')).to.deep.equal(Array.from({ length: 51 }, (_, i) => `req-${i}`));
  });

  /** A REST tool call through the gateway, tagged so its audit row can be found. */
  const echo = (gateway: RunningGateway, requestId: string) =>
    httpJson(`${gateway.url}/mcp/invoke?mcp_server=echo`, { body: { tool_name: 'echo', parameters: { text: requestId } }, headers: { 'x-request-id': requestId } });
  const toolCalls = async (table: string) =>
    db.query<{ request_id: string; outcome: string; error: string | null }>(`select request_id, outcome, error from ${table} where event_type = 'tool_call' order by seq`);

  it('with audit.failClosed, serves calls while PostgreSQL is cut but the spool takes events, and replays them in order', async function () {
    const spoolFile = join(dir, 'spool.jsonl');
    const { gateway } = await start({ connectionString: viaProxy(), table: 'strict_spool', spoolFile }, { failClosed: true });
    expect((await echo(gateway, 'before')).status).to.equal(200);
    await waitFor(async () => (await toolCalls('strict_spool')).length === 1, 'the first row');
    await proxy.cut();
    for (let i = 0; i < 5; i++) expect((await echo(gateway, `outage-${i}`)).status, `call ${i} during the outage`).to.equal(200);
    await waitFor(async () => (await readFile(spoolFile, 'utf8').catch(() => '')).includes('"outage-4"'), 'the outage events in the spool');
    const health = await httpJson(`${gateway.url}/health`);
    expect(health.status).to.equal(200);
    expect(health.body.audit_fail_closed).to.deep.equal({ refusing: false });
    expect(health.body.plugins['audit-postgres'].status).to.equal('degraded');
    await proxy.restore();
    const expected = ['before', ...Array.from({ length: 5 }, (_, i) => `outage-${i}`)];
    await waitFor(async () => (await toolCalls('strict_spool')).length === expected.length, 'the replayed rows', 10_000);
    expect((await toolCalls('strict_spool')).map((row) => row.request_id)).to.deep.equal(expected);
    expect((await toolCalls('strict_spool')).every((row) => row.outcome === 'success')).to.equal(true);
  });

  it('holds at most maxHeldEvents in memory while neither PostgreSQL nor the spool can take events, and says how many it dropped', async function () {
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, '');
    const { gateway, emitter } = await start({ connectionString: viaProxy(), table: 'held', spoolFile: join(blocker, 'spool.jsonl'), maxHeldEvents: 5 });
    emitter.emit(sampleToolCall(0));
    await waitFor(async () => (await count('held')) === 1, 'the first row');
    await proxy.cut();
    await waitFor(async () => (await httpJson(`${gateway.url}/health`)).body.plugins?.['audit-postgres']?.status === 'degraded', 'the outage to be noticed', 10_000);
    for (let i = 1; i <= 8; i++) emitter.emit(sampleToolCall(i));
    const detail = async () => String((await httpJson(`${gateway.url}/health`)).body.plugins['audit-postgres'].detail);
    await waitFor(async () => /\d+ audit events dropped/.test(await detail()), 'health to count the dropped events', 10_000);
    const dropped = Number(/(\d+) audit events dropped/.exec(await detail())![1]);
    expect(dropped, 'eight events, five held').to.equal(3);
    await proxy.restore();
    const held = 8 - dropped;
    await waitFor(async () => (await count('held')) === 1 + held, 'the held rows after the outage', 10_000);
    expect(await requestIds('held'), 'the oldest events kept, in order').to.deep.equal(Array.from({ length: 1 + held }, (_, i) => `req-${i}`));
  });

  it('with audit.failClosed, refuses calls (503, saying why) while neither PostgreSQL nor the spool can take events, and serves again once PostgreSQL is back', async function () {
    // A path below a plain file cannot be created, not even by root.
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, '');
    const { gateway } = await start({ connectionString: viaProxy(), table: 'strict', spoolFile: join(blocker, 'spool.jsonl') }, { failClosed: true });
    expect((await echo(gateway, 'served-0')).status, 'PostgreSQL alone can take events').to.equal(200);
    await proxy.cut();
    let attempt = 0;
    await waitFor(async () => (await echo(gateway, `probe-${attempt++}`)).status === 503, 'calls to be refused', 10_000);
    const refused = await echo(gateway, 'refused-1');
    expect(refused.status).to.equal(503);
    expect(refused.body.message).to.include('audit.failClosed');
    expect(refused.body.message).to.match(/spool file cannot be written \(E[A-Z]+\)/);
    const health = await httpJson(`${gateway.url}/health`);
    expect(health.status).to.equal(503);
    expect(health.body.audit_fail_closed.refusing).to.equal(true);
    const client = await connectClient(gateway.mcpUrl).catch((error: unknown) => error as Error);
    if (client instanceof Error) {
      expect(client.message, 'the MCP session refused').to.include('audit.failClosed');
    } else {
      const result = await client.callTool({ name: 'echo__echo', arguments: { text: 'rpc' } }).catch((error: Error) => ({ rpcError: error.message }));
      await client.close();
      expect(JSON.stringify(result), 'the JSON-RPC call refused').to.include('audit.failClosed');
    }
    await proxy.restore();
    await waitFor(async () => (await echo(gateway, 'served-again')).status === 200, 'calls to be served again', 10_000);
    // The refused call was recorded too: held in memory while nothing could keep it, written once PostgreSQL was back.
    await waitFor(async () => (await toolCalls('strict')).some((row) => row.request_id === 'served-again'), 'the rows after the outage', 10_000);
    const refusals = await db.query<{ event_type: string; outcome: string; error: string }>(`select event_type, outcome, error from strict where request_id = 'refused-1'`);
    expect(refusals, 'recorded once').to.have.length(1);
    const [refusal] = refusals;
    expect(refusal, 'the refused call audited').to.include({ event_type: 'access_denied', outcome: 'error' });
    expect(refusal!.error).to.include('audit.failClosed');
    expect((await toolCalls('strict'))[0]!.request_id).to.equal('served-0');
  });
});
