/**
 * Measures subjects (e.g. calls through the gateway) against a baseline (the same call made directly) in one run.
 * All targets take turns in rounds, so drift on a shared machine (other load, CPU frequency, GC) hits them alike.
 */
import { type Call, callsPerSecond, type LoopBounds, type LoopResult, runLoop, warmUp } from './loops.js';
import { latencyStats, type LatencyStats } from './stats.js';

export interface Target {
  label: string;
  call: Call;
}

export interface ComparePlan {
  warmUp: LoopBounds;
  /** Sequential calls per target, in total over the rounds. */
  latency: LoopBounds;
  concurrencies: number[];
  /** Per target and concurrency, in total over the rounds. */
  throughput: LoopBounds;
  rounds: number;
}

export interface SideResult {
  calls: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  callsPerSecond: number;
  latency: LatencyStats;
  /** How busy the bench process (the SDK client) was meanwhile, in cores: near 1 means the client, not the target, set the pace. */
  clientCores: number;
}

export interface SubjectResult {
  label: string;
  latency: SideResult;
  /** Sequential latency minus the baseline's. */
  addedP50Ms: number;
  addedP99Ms: number;
  addedMeanMs: number;
  /** Per concurrency: this target's calls/s and its ratio to the baseline's. */
  throughput: Array<{ concurrency: number; result: SideResult; ratio: number }>;
}

export interface Comparison {
  baseline: { label: string; latency: SideResult; throughput: Array<{ concurrency: number; result: SideResult }> };
  subjects: SubjectResult[];
}

export async function compareTargets(baseline: Target, subjects: Target[], plan: ComparePlan, log: (line: string) => void = () => undefined): Promise<Comparison> {
  const targets = [baseline, ...subjects];
  for (const target of targets) {
    log(`warming up ${target.label}`);
    await warmUp(target.call, plan.warmUp);
  }
  log(`sequential latency (${plan.latency.maxCalls} calls or ${plan.latency.maxMs / 1000}s per target)`);
  const latency = await takeTurns(targets, 1, plan.latency, plan.rounds);
  const throughput: SideResult[][] = [];
  for (const concurrency of plan.concurrencies) {
    log(`throughput at concurrency ${concurrency} (${plan.throughput.maxMs / 1000}s per target)`);
    throughput.push(await takeTurns(targets, concurrency, plan.throughput, plan.rounds));
  }
  const base = latency[0]!;
  return {
    baseline: { label: baseline.label, latency: base, throughput: plan.concurrencies.map((concurrency, i) => ({ concurrency, result: throughput[i]![0]! })) },
    subjects: subjects.map((subject, s) => {
      const own = latency[s + 1]!;
      return {
        label: subject.label,
        latency: own,
        addedP50Ms: own.latency.p50 - base.latency.p50,
        addedP99Ms: own.latency.p99 - base.latency.p99,
        addedMeanMs: own.latency.mean - base.latency.mean,
        throughput: plan.concurrencies.map((concurrency, i) => {
          const result = throughput[i]![s + 1]!;
          const baseRate = throughput[i]![0]!.callsPerSecond;
          return { concurrency, result, ratio: baseRate ? result.callsPerSecond / baseRate : 0 };
        }),
      };
    }),
  };
}

/** Runs every target `rounds` times, the bounds split evenly over the rounds, starting each round with the next target. */
async function takeTurns(targets: Target[], concurrency: number, bounds: LoopBounds, rounds: number): Promise<SideResult[]> {
  const perRound: LoopBounds = { maxCalls: Math.ceil(bounds.maxCalls / rounds), maxMs: bounds.maxMs / rounds };
  const results: LoopResult[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < targets.length; turn++) {
      const index = (round + turn) % targets.length;
      results[index]!.push(await runLoop(targets[index]!.call, concurrency, perRound));
    }
  }
  return results.map(merge);
}

function merge(rounds: LoopResult[]): SideResult {
  const total: LoopResult = { calls: 0, errors: 0, elapsedMs: 0, samples: [], clientCpuMs: 0 };
  for (const round of rounds) {
    total.calls += round.calls;
    total.errors += round.errors;
    total.elapsedMs += round.elapsedMs;
    total.clientCpuMs += round.clientCpuMs;
    total.samples.push(...round.samples);
    total.firstError ??= round.firstError;
  }
  return {
    calls: total.calls,
    errors: total.errors,
    ...(total.firstError ? { firstError: total.firstError } : {}),
    elapsedMs: total.elapsedMs,
    callsPerSecond: callsPerSecond(total),
    latency: latencyStats(total.samples),
    clientCores: total.elapsedMs > 0 ? total.clientCpuMs / total.elapsedMs : 0,
  };
}
