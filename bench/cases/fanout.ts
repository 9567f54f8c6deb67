/**
 * Broadcast fan-out: one `broadcast__echo` call to 2, 8 and 32 echo backends against a call to the slowest of them
 * alone, both through the same gateway. The backends answer after 10–20 ms (spread evenly), so a fan-out that runs
 * its targets at once costs about the slowest target plus the gateway's merging, not the sum of the delays.
 */
import type { GatewayConfigInput } from '@secure-mcp-gateway/core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { BenchOptions } from '../lib/bench-case.js';
import { defineCase, type TargetCheck } from '../lib/bench-case.js';
import { compareTargets, type ComparePlan, type Comparison } from '../lib/compare.js';
import { connectHttpClient, echoCall, startEchoBackends, startGatewayProcess } from '../lib/processes.js';
import { ms, percent, signedMs, type Table } from '../lib/table.js';

const SIZES = [2, 8, 32];
const MIN_DELAY_MS = 10;
const MAX_DELAY_MS = 20;
/** Every target at once, whatever the size (the plugin's default is 16). */
const CONCURRENCY = 64;

/** Runs inside the gateway process: plugins cannot cross a process boundary as JSON, so they are built here. */
export async function gatewayConfig(): Promise<GatewayConfigInput> {
  const { default: broadcast } = await import('@secure-mcp-gateway/plugin-broadcast');
  return { plugins: [broadcast({ concurrency: CONCURRENCY })] };
}

/** Sequential latency only: each sample is one whole fan-out, so throughput loops would measure the backends. */
function plan(options: BenchOptions): ComparePlan {
  return options.quick
    ? { warmUp: { maxCalls: 50, maxMs: 2_000 }, latency: { maxCalls: 200, maxMs: 4_000 }, concurrencies: [], throughput: { maxCalls: 0, maxMs: 0 }, rounds: 2 }
    : { warmUp: { maxCalls: 200, maxMs: 5_000 }, latency: { maxCalls: 1_000, maxMs: 15_000 }, concurrencies: [], throughput: { maxCalls: 0, maxMs: 0 }, rounds: 4 };
}

const delays = (size: number) => Array.from({ length: size }, (_, i) => MIN_DELAY_MS + Math.round(((MAX_DELAY_MS - MIN_DELAY_MS) * i) / (size - 1)));

/** One broadcast that fails unless every target echoed the message. */
function broadcastCall(client: Client, size: number): () => Promise<void> {
  let counter = 0;
  return async () => {
    const message = `fan-${++counter}`;
    const result = await client.callTool({ name: 'broadcast__echo', arguments: { message } });
    const report = result.structuredContent as { metadata?: { successful?: number }; results?: Record<string, { content: Array<{ text?: string }> }> } | undefined;
    const echoed = Object.values(report?.results ?? {}).filter((answer) => answer.content[0]?.text === message).length;
    if (result.isError || report?.metadata?.successful !== size || echoed !== size) throw new Error(`broadcast to ${size} answered ${JSON.stringify(result).slice(0, 200)}`);
  };
}

export default defineCase({
  name: 'fanout',
  description: `broadcast__echo to ${SIZES.join('/')} targets (${MIN_DELAY_MS}-${MAX_DELAY_MS} ms each) vs the slowest target alone`,
  async run({ options, log, defer }) {
    const runs: Array<{ size: number; comparison: Comparison }> = [];
    for (const size of SIZES) {
      const backends = await startEchoBackends(delays(size));
      defer(() => backends.stop());
      const servers = Object.fromEntries(backends.info.urls.map((url, i) => [`echo${i}`, { type: 'streamable-http' as const, url, timeout: 30 }]));
      const gateway = await startGatewayProcess({ servers, configModule: import.meta.url, ...(options.profileDir ? { profileDir: options.profileDir } : {}) });
      defer(() => gateway.stop());
      const client = await connectHttpClient(gateway.info.mcpUrl);
      defer(() => client.close());
      log(`${size} targets`);
      const comparison = await compareTargets(
        { label: `slowest single (echo${size - 1}, ${MAX_DELAY_MS} ms)`, call: echoCall(client, `echo${size - 1}__echo`) },
        [{ label: `broadcast x${size}`, call: broadcastCall(client, size) }],
        plan(options),
        log,
      );
      runs.push({ size, comparison });
    }
    return { tables: [fanOutTable(runs)], checks: runs.map(check), data: { delaysMs: Object.fromEntries(SIZES.map((size) => [size, delays(size)])), concurrency: CONCURRENCY, runs } };
  },
});

function fanOutTable(runs: Array<{ size: number; comparison: Comparison }>): Table {
  return {
    title: 'fan-out latency: one broadcast vs one call to the slowest of its targets (sequential calls)',
    columns: ['targets', 'slowest p50', 'broadcast p50', 'added p50', 'ratio p50', 'slowest p99', 'broadcast p99', 'sum of delays', 'errors'],
    rows: runs.map(({ size, comparison }) => {
      const single = comparison.baseline.latency;
      const fan = comparison.subjects[0]!;
      return [
        String(size),
        ms(single.latency.p50),
        ms(fan.latency.latency.p50),
        signedMs(fan.addedP50Ms),
        percent(fan.latency.latency.p50 / single.latency.p50),
        ms(single.latency.p99),
        ms(fan.latency.latency.p99),
        ms(delays(size).reduce((sum, delay) => sum + delay, 0)),
        `${single.errors}/${fan.latency.errors}`,
      ];
    }),
    notes: ['ratio = broadcast p50 ÷ slowest single p50 (100% = the fan-out costs nothing beyond its slowest target)', `targets run at once (plugin concurrency ${CONCURRENCY})`],
  };
}

/** A parallel fan-out stays well under the sum of its targets' delays: within twice the slowest target. */
function check({ size, comparison }: { size: number; comparison: Comparison }): TargetCheck {
  const ratio = comparison.subjects[0]!.latency.latency.p50 / comparison.baseline.latency.latency.p50;
  return { name: `fanout: broadcast x${size} p50 vs slowest single`, target: '< 200.0%', actual: percent(ratio), pass: ratio < 2 };
}
