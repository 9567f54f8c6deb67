/**
 * The `fanOut` hook for broadcast plans: every target at once (at most `concurrency` in flight), each under its
 * server's own timeout and all under one deadline. One abort signal reaches every backend call, so the client's
 * cancellation — or the deadline — cancels them all, and targets still waiting are never started.
 */
import { setMaxListeners } from 'node:events';
import type { FanOutContext, RoutePlan, TargetOutcome } from '@secure-mcp-gateway/core';
import type { BroadcastMeta } from './broadcast-plan.js';
import { type BroadcastReport, toolErrorMessage, toToolResult } from './broadcast-result.js';
import type { CallToolResult } from './mcp-types.js';

export interface FanOutLimits {
  concurrency: number;
  deadlineMs: number;
}

type Stop = 'deadline' | 'cancelled';

export async function runBroadcast(plan: RoutePlan, context: FanOutContext, limits: FanOutLimits): Promise<CallToolResult> {
  const started = performance.now();
  const meta = plan.meta as unknown as BroadcastMeta;
  const controller = new AbortController();
  // Every backend call in flight listens on this one signal; that many listeners is the design, not a leak.
  setMaxListeners(Math.min(limits.concurrency, plan.targets.length) + 10, controller.signal);
  let stopped: Stop | undefined;
  // The reason reaches each backend in its notifications/cancelled.
  const stop = (why: Stop) => {
    stopped ??= why;
    controller.abort(new DOMException(`broadcast ${why}`, 'AbortError'));
  };
  const onCancel = () => stop('cancelled');
  const deadline = setTimeout(() => stop('deadline'), limits.deadlineMs);
  if (context.signal.aborted) onCancel();
  else context.signal.addEventListener('abort', onCancel, { once: true });

  const errors: Record<string, string> = {};
  const outcomes: Array<TargetOutcome | undefined> = new Array(plan.targets.length);
  let next = 0;
  const worker = async () => {
    // Each turn takes one target, so the loop ends after at most plan.targets.length turns in all.
    while (next < plan.targets.length) {
      const index = next++;
      const target = plan.targets[index]!;
      if (stopped) {
        errors[target.server] = stoppedMessage(stopped, limits, false);
        continue;
      }
      const outcome = await context.callTarget(target, { signal: controller.signal });
      outcomes[index] = outcome;
      // A call that fails once the broadcast is stopped failed because it was aborted (the SDK reports that as a timeout).
      if (!outcome.ok) errors[target.server] = stopped && outcome.error.code !== 'access_denied' ? stoppedMessage(stopped, limits, true) : outcome.error.message;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limits.concurrency, plan.targets.length) }, worker));
  } finally {
    clearTimeout(deadline);
    context.signal.removeEventListener('abort', onCancel);
  }
  return toToolResult(report(meta, plan, outcomes, errors, performance.now() - started));
}

function report(meta: BroadcastMeta, plan: RoutePlan, outcomes: ReadonlyArray<TargetOutcome | undefined>, failures: Record<string, string>, elapsedMs: number): BroadcastReport {
  const results: BroadcastReport['results'] = {};
  const errors: BroadcastReport['errors'] = {};
  plan.targets.forEach((target, index) => {
    const outcome = outcomes[index];
    if (outcome?.ok && !outcome.result.isError) results[target.server] = outcome.result;
    else errors[target.server] = outcome?.ok ? toolErrorMessage(outcome.result) : failures[target.server] ?? 'not called';
  });
  Object.assign(errors, meta.skipped);
  const successful = Object.keys(results).length;
  const failed = Object.keys(errors).length;
  return {
    results,
    errors,
    metadata: { tool_name: meta.tool, total_servers: successful + failed, successful, failed, execution_time_ms: Math.round(elapsedMs) },
  };
}

function stoppedMessage(why: Stop, limits: FanOutLimits, started: boolean): string {
  if (why === 'cancelled') return started ? 'cancelled by the client' : 'not started: cancelled by the client';
  const seconds = limits.deadlineMs / 1000;
  return started ? `no answer within the broadcast deadline (${seconds}s)` : `not started within the broadcast deadline (${seconds}s)`;
}
