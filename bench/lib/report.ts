/** Tables and target checks for a baseline-vs-subjects comparison, shared by the cases. */
import type { TargetCheck } from './bench-case.js';
import type { ProcessStats } from './child-protocol.js';
import type { Comparison, SideResult, SubjectResult } from './compare.js';
import { mib, ms, percent, rate, signedMs, type Table } from './table.js';

export function latencyTable(title: string, comparison: Comparison): Table {
  const row = (label: string, side: SideResult, added?: SubjectResult) => [
    label, side.calls, ms(side.latency.p50), added ? signedMs(added.addedP50Ms) : '', ms(side.latency.p90), ms(side.latency.p99), added ? signedMs(added.addedP99Ms) : '', ms(side.latency.mean), errorsOf(side),
  ];
  return {
    title,
    columns: ['sequential calls', 'n', 'p50', 'added p50', 'p90', 'p99', 'added p99', 'mean', 'errors'],
    rows: [row(comparison.baseline.label, comparison.baseline.latency), ...comparison.subjects.map((s) => row(s.label, s.latency, s))],
    notes: [`added = the target's percentile minus ${comparison.baseline.label}'s`],
  };
}

export function throughputTable(title: string, comparison: Comparison): Table {
  const { baseline, subjects } = comparison;
  return {
    title,
    columns: ['concurrency', baseline.label, ...subjects.flatMap((s) => [s.label, 'ratio']), 'p50 latency each', 'client CPU each', 'errors'],
    rows: baseline.throughput.map(({ concurrency, result }, i) => {
      const own = subjects.map((s) => s.throughput[i]!);
      return [
        String(concurrency),
        rate(result.callsPerSecond),
        ...own.flatMap((t) => [rate(t.result.callsPerSecond), percent(t.ratio)]),
        [result, ...own.map((t) => t.result)].map((r) => r.latency.p50.toFixed(2)).join(' / ') + ' ms',
        [result, ...own.map((t) => t.result)].map((r) => percent(r.clientCores)).join(' / '),
        [result, ...own.map((t) => t.result)].map((r) => r.errors).join('/'),
      ];
    }),
    notes: [
      `ratio = the target's calls/s ÷ ${baseline.label}'s`,
      'client CPU = how busy the bench process (the SDK client) was, in % of one core; near 100 % the client set the pace',
    ],
  };
}

/** Memory and CPU of measured processes: at rest after start, after the run, and CPU per call each served. */
export function processTable(title: string, processes: Array<{ label: string; idle: ProcessStats; after: ProcessStats; calls: number }>): Table {
  const cpuPerCall = (p: (typeof processes)[number]) => (p.calls ? `${Math.round((p.after.cpuMicros - p.idle.cpuMicros) / p.calls)} µs` : 'n/a');
  return {
    title,
    columns: ['process', 'RSS idle', 'RSS after', 'peak RSS', 'heap after', 'CPU per call'],
    rows: processes.map((p) => [p.label, mib(p.idle.rss), mib(p.after.rss), mib(p.after.maxRss), mib(p.after.heapUsed), cpuPerCall(p)]),
    notes: ['RSS idle: after start and connecting to its backends, before any client; CPU per call: user+system time over the run ÷ calls it served'],
  };
}

/** Calls a target served in a comparison (warm-up excluded). */
export function callsServed(comparison: Comparison, label: string): number {
  if (comparison.baseline.label === label) return comparison.baseline.latency.calls + comparison.baseline.throughput.reduce((n, t) => n + t.result.calls, 0);
  const subject = comparison.subjects.find((s) => s.label === label);
  return subject ? subject.latency.calls + subject.throughput.reduce((n, t) => n + t.result.calls, 0) : 0;
}

/** The project's targets: added p50 under `maxAddedP50Ms`, throughput at least `minRatio` of the baseline at every concurrency. */
export function targetChecks(caseName: string, subject: SubjectResult, maxAddedP50Ms = 1, minRatio = 0.8): TargetCheck[] {
  return [
    { name: `${caseName}: ${subject.label} added p50 latency`, target: `< ${maxAddedP50Ms} ms`, actual: signedMs(subject.addedP50Ms), pass: subject.addedP50Ms < maxAddedP50Ms },
    ...subject.throughput.map(({ concurrency, ratio }) => ({
      name: `${caseName}: ${subject.label} throughput at concurrency ${concurrency}`, target: `>= ${percent(minRatio)}`, actual: percent(ratio), pass: ratio >= minRatio,
    })),
  ];
}

function errorsOf(side: SideResult): string {
  return side.errors ? `${side.errors} (${side.firstError ?? ''})` : '0';
}
