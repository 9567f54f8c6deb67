/** The standard measurement plans, so every case is measured with the same bounds. */
import type { BenchOptions } from './bench-case.js';
import type { ComparePlan } from './compare.js';

export const CONCURRENCIES = [1, 16, 64];

export function standardPlan(options: BenchOptions): ComparePlan {
  return options.quick
    ? { warmUp: { maxCalls: 200, maxMs: 3_000 }, latency: { maxCalls: 500, maxMs: 4_000 }, concurrencies: CONCURRENCIES, throughput: { maxCalls: 50_000, maxMs: 2_000 }, rounds: 2 }
    : { warmUp: { maxCalls: 1_000, maxMs: 8_000 }, latency: { maxCalls: 3_000, maxMs: 15_000 }, concurrencies: CONCURRENCIES, throughput: { maxCalls: 200_000, maxMs: 8_000 }, rounds: 4 };
}
