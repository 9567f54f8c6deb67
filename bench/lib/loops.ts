/**
 * Timed call loops. Every loop is bounded twice, by a number of calls and by a wall-clock budget, so a slow or
 * stuck target cannot hold the run forever. Failed calls are counted (and the first error kept), never retried.
 */
export type Call = () => Promise<unknown>;

export interface LoopBounds {
  /** Stop after this many calls have been started. */
  maxCalls: number;
  /** Stop starting calls after this many milliseconds. */
  maxMs: number;
}

export interface LoopResult {
  /** Calls that completed without an error. */
  calls: number;
  errors: number;
  firstError?: string;
  /** Wall-clock time from the first call started to the last call finished. */
  elapsedMs: number;
  /** Latency of every successful call, in milliseconds. */
  samples: number[];
  /** CPU time (user + system) the bench process itself spent meanwhile: the client's share of the cost. */
  clientCpuMs: number;
}

/** Runs `call` with `concurrency` callers in flight until either bound is reached; each caller awaits its previous call. */
export async function runLoop(call: Call, concurrency: number, bounds: LoopBounds): Promise<LoopResult> {
  const result: LoopResult = { calls: 0, errors: 0, elapsedMs: 0, samples: [], clientCpuMs: 0 };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + bounds.maxMs;
  let issued = 0;
  const worker = async () => {
    while (issued < bounds.maxCalls && performance.now() < deadline) {
      issued++;
      const t0 = performance.now();
      try {
        await call();
        result.samples.push(performance.now() - t0);
        result.calls++;
      } catch (error) {
        result.errors++;
        result.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  result.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  result.clientCpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}

/** Calls per second of a loop (successful calls only). */
export function callsPerSecond(result: LoopResult): number {
  return result.elapsedMs > 0 ? (result.calls * 1000) / result.elapsedMs : 0;
}

/** Warms a target up (JIT, connection pools, caches); throws if it cannot answer at all. */
export async function warmUp(call: Call, bounds: LoopBounds, concurrency = 4): Promise<void> {
  const result = await runLoop(call, concurrency, bounds);
  if (result.calls === 0) throw new Error(`warm-up failed: ${result.firstError ?? 'no call completed'}`);
}
