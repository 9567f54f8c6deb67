/**
 * What each audit sink adds to the echo call: one gateway with no sink (the core then builds no events at all) against
 * one gateway per sink — audit-file, audit-postgres, audit-otel exporting over OTLP/HTTP — each in its own process,
 * taking turns. Then how many rows per second the PostgreSQL sink writes: while the gateway serves calls (does the
 * trail keep up?) and at capacity (a burst of events straight into the audit bus, timed until the last row lands).
 * Needs PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres; TEST_POSTGRES_URL overrides).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfigInput } from '@secure-mcp-gateway/core';
import { auditEmitter, sampleToolCall } from '../../test/support/audit-emitter.js';
import { startGateway } from '../../test/support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { defineCase } from '../lib/bench-case.js';
import { compareTargets } from '../lib/compare.js';
import { runLoop } from '../lib/loops.js';
import { standardPlan } from '../lib/plans.js';
import { connectHttpClient, echoCall, startEchoBackends, startGatewayProcess } from '../lib/processes.js';
import { callsServed, latencyTable, processTable, throughputTable } from '../lib/report.js';
import { rate, type Table } from '../lib/table.js';

type Sink = { kind: 'file'; file: string } | { kind: 'postgres'; connectionString: string; spoolFile: string; table: string } | { kind: 'otel'; endpoint: string };

/** Runs inside the gateway process: builds the one sink this gateway measures. */
export async function gatewayConfig(sink: Sink): Promise<GatewayConfigInput> {
  switch (sink.kind) {
    case 'file': {
      const { default: auditFile } = await import('@secure-mcp-gateway/plugin-audit-file');
      return { plugins: [auditFile({ file: sink.file, stdout: false })] };
    }
    case 'postgres': {
      const { default: auditPostgres } = await import('@secure-mcp-gateway/plugin-audit-postgres');
      return { plugins: [auditPostgres({ connectionString: sink.connectionString, spoolFile: sink.spoolFile, table: sink.table })] };
    }
    case 'otel': {
      const { default: auditOtel } = await import('@secure-mcp-gateway/plugin-audit-otel');
      return { plugins: [auditOtel({ endpoint: sink.endpoint, metricIntervalMs: 5_000 })] };
    }
  }
}

/** An OTLP/HTTP endpoint that accepts every export and counts them, so the OTel sink really exports. */
async function startOtlpSink(): Promise<{ url: string; exports: () => number; stop(): Promise<void> }> {
  let exports = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    exports: () => exports,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Tool-call rows in `table` (a gateway also records its backend's status and its client sessions). */
const rowCount = async (db: TestDatabase, table: string) =>
  Number((await db.query<{ n: string }>(`select count(*) as n from ${table} where event_type = 'tool_call'`))[0]!.n);

/** Polls until `table` holds `rows` tool-call rows, for at most `maxMs`; returns when the last one landed (or throws). */
async function waitForRows(db: TestDatabase, table: string, rows: number, maxMs: number): Promise<number> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    if ((await rowCount(db, table)) >= rows) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`PostgreSQL held ${await rowCount(db, table)} of ${rows} rows in "${table}" after ${maxMs / 1000}s`);
}

/** `call`, counting every attempt: each one that reaches the gateway is a tool_call row. */
function counted(call: () => Promise<void>): { call: () => Promise<void>; attempts: () => number } {
  let attempts = 0;
  return {
    call: () => {
      attempts++;
      return call();
    },
    attempts: () => attempts,
  };
}

/**
 * The writer at capacity: `events` emitted into the audit bus at once, in this process, until the last row lands.
 * The queue is made large enough to hold them all, so this is the direct path (past `maxQueue` events would be spooled).
 */
async function postgresCapacity(db: TestDatabase, dir: string, events: number): Promise<{ events: number; ms: number; rowsPerSecond: number; cpuMicrosPerRow: number }> {
  const { default: auditPostgres } = await import('@secure-mcp-gateway/plugin-audit-postgres');
  const emitter = auditEmitter();
  const gateway = await startGateway({ servers: {}, plugins: [emitter.plugin, auditPostgres({ connectionString: db.url, table: 'capacity', spoolFile: join(dir, 'capacity-spool.jsonl'), maxQueue: events })] });
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < events; i++) emitter.emit(sampleToolCall(i));
    const landed = await waitForRows(db, 'capacity', events, 120_000);
    const used = process.cpuUsage(cpu);
    return { events, ms: landed - started, rowsPerSecond: (events * 1000) / (landed - started), cpuMicrosPerRow: (used.user + used.system) / events };
  } finally {
    await gateway.stop();
  }
}

export default defineCase({
  name: 'audit-sinks',
  description: 'echo through a gateway with no audit sink vs with audit-file, audit-postgres, audit-otel; rows/s into PostgreSQL',
  async run({ options, log, defer }) {
    const db = await createTestDatabase('bench_audit');
    defer(() => db.drop());
    const dir = await mkdtemp(join(tmpdir(), 'bench-audit-'));
    defer(() => rm(dir, { recursive: true, force: true }));
    const otlp = await startOtlpSink();
    defer(() => otlp.stop());
    const backends = await startEchoBackends([0]);
    defer(() => backends.stop());
    const servers = { echo: { type: 'streamable-http' as const, url: backends.info.urls[0]!, timeout: 30 } };
    const profile = options.profileDir ? { profileDir: options.profileDir } : {};

    const sinks: Array<{ label: string; sink?: Sink }> = [
      { label: 'no sink' },
      { label: 'audit-file', sink: { kind: 'file', file: join(dir, 'audit.jsonl') } },
      { label: 'audit-postgres', sink: { kind: 'postgres', connectionString: db.url, spoolFile: join(dir, 'spool.jsonl'), table: 'calls' } },
      { label: 'audit-otel', sink: { kind: 'otel', endpoint: otlp.url } },
    ];
    const gateways = [];
    for (const { sink } of sinks) {
      const gateway = await startGatewayProcess({ servers, ...(sink ? { configModule: import.meta.url, options: sink } : {}), ...profile });
      defer(() => gateway.stop());
      gateways.push(gateway);
    }
    const clients = await Promise.all(gateways.map((gateway) => connectHttpClient(gateway.info.mcpUrl)));
    for (const client of clients) defer(() => client.close());

    const idle = await Promise.all(gateways.map((gateway) => gateway.stats()));
    const postgresCalls = counted(echoCall(clients[2]!, 'echo__echo'));
    const targets = sinks.map(({ label }, i) => ({ label, call: i === 2 ? postgresCalls.call : echoCall(clients[i]!, 'echo__echo') }));
    const comparison = await compareTargets(targets[0]!, targets.slice(1), standardPlan(options), log);
    const after = await Promise.all(gateways.map((gateway) => gateway.stats()));

    // Every call of the postgres gateway (warm-up included) is a row; the trail must catch up with all of them.
    log('waiting for the PostgreSQL sink to hold every call of the run');
    const callsDone = performance.now();
    const rowsAtEnd = await rowCount(db, 'calls');
    const served = postgresCalls.attempts();
    const caughtUp = await waitForRows(db, 'calls', served, 60_000);
    const lagMs = caughtUp - callsDone;
    const sustained = await sustainedRowRate(db, clients[2]!, log);

    log('PostgreSQL sink at capacity');
    const capacity = await postgresCapacity(db, dir, options.quick ? 20_000 : 100_000);

    const rowsTable: Table = {
      title: 'audit-postgres — rows per second into PostgreSQL',
      columns: ['measure', 'rows', 'time', 'rows/s', 'gateway CPU per row'],
      rows: [
        ['while serving echo calls (concurrency 64)', sustained.rows, `${(sustained.ms / 1000).toFixed(1)} s`, rate(sustained.rowsPerSecond), 'in the call'],
        ['writer at capacity (events straight into the audit bus)', capacity.events, `${(capacity.ms / 1000).toFixed(1)} s`, rate(capacity.rowsPerSecond), `${Math.round(capacity.cpuMicrosPerRow)} µs`],
      ],
      notes: [
        `when the comparison's calls ended, ${rowsAtEnd} of their ${served} rows were written; all ${served} ${lagMs.toFixed(0)} ms later`,
        'while serving: rows written from the first call until the last row landed; the gateway, not PostgreSQL, sets this pace',
        'at capacity: CPU of the process that emits and writes (audit bus, batching, pg driver), not of PostgreSQL',
      ],
    };
    log(`OTLP exports received: ${otlp.exports()}`);
    return {
      tables: [
        latencyTable('echo with one audit sink — latency (added = the sink\'s cost, event building included)', comparison),
        throughputTable('echo with one audit sink — throughput (calls/s)', comparison),
        processTable('gateway processes', sinks.map(({ label }, i) => ({ label, idle: idle[i]!, after: after[i]!, calls: callsServed(comparison, label) }))),
        rowsTable,
      ],
      data: { comparison, postgres: { rowsAtEnd, served, lagMs, sustained, capacity }, otlpExports: otlp.exports() },
    };
  },
});

/** Rows per second while the postgres gateway serves echo calls at concurrency 64, timed until the last row lands. */
async function sustainedRowRate(db: TestDatabase, client: Parameters<typeof echoCall>[0], log: (line: string) => void) {
  log('rows per second while serving calls');
  const before = await rowCount(db, 'calls');
  const started = performance.now();
  const loop = await runLoop(echoCall(client, 'echo__echo'), 64, { maxCalls: 20_000, maxMs: 10_000 });
  if (loop.errors) throw new Error(`echo through the postgres gateway failed: ${loop.firstError}`);
  const landed = await waitForRows(db, 'calls', before + loop.calls, 60_000);
  return { rows: loop.calls, ms: landed - started, rowsPerSecond: (loop.calls * 1000) / (landed - started) };
}
