/** A broadcast's answer: the totals, then each server's result or error, failures as visible as successes. */
import type { BroadcastOutcome, CallToolResult } from '../types';
import { JsonView, ToolResult } from './ToolResult';

export function BroadcastResult({ outcome }: { outcome: BroadcastOutcome }) {
  const succeeded = Object.entries(outcome.results);
  const failed = Object.entries(outcome.errors);
  const total = outcome.total_servers ?? succeeded.length + failed.length;
  return (
    <div className="broadcast">
      <p className={failed.length ? 'summary partial' : 'summary'} role="status">
        Succeeded on {outcome.successful ?? succeeded.length} of {total} servers
        {failed.length > 0 && `, failed on ${outcome.failed ?? failed.length}`}
        {outcome.execution_time_ms !== undefined && ` in ${outcome.execution_time_ms} ms`}.
      </p>
      <ul className="per-server">
        {failed.map(([server, message]) => (
          <li key={`error-${server}`} className="server-result server-error" data-server={server}>
            <h4>
              {server} <span className="badge status-down">failed</span>
            </h4>
            <p className="error">{typeof message === 'string' ? message : JSON.stringify(message)}</p>
          </li>
        ))}
        {succeeded.map(([server, result]) => (
          <li key={`ok-${server}`} className="server-result" data-server={server}>
            <h4>
              {server} <span className="badge status-up">ok</span>
            </h4>
            {isCallToolResult(result) ? <ToolResult result={result} /> : <JsonView value={result} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function isCallToolResult(value: unknown): value is CallToolResult {
  return !!value && typeof value === 'object' && Array.isArray((value as CallToolResult).content);
}

/** The per-server outcome inside a broadcast tool's result: `structuredContent`, or the `gateway://results/…` resource. */
export function broadcastOutcomeOf(result: CallToolResult): BroadcastOutcome | undefined {
  const fromObject = (value: unknown): BroadcastOutcome | undefined => {
    if (!value || typeof value !== 'object') return undefined;
    const record = value as Record<string, unknown>;
    if (!record['results'] || typeof record['results'] !== 'object') return undefined;
    const metadata = (record['metadata'] ?? {}) as Record<string, number>;
    return {
      results: record['results'] as Record<string, unknown>,
      errors: (record['errors'] ?? {}) as Record<string, string>,
      total_servers: metadata['total_servers'],
      successful: metadata['successful'],
      failed: metadata['failed'],
      execution_time_ms: metadata['execution_time_ms'],
    };
  };
  const structured = fromObject(result.structuredContent);
  if (structured) return structured;
  for (const block of result.content ?? []) {
    const resource = (block as { resource?: { uri?: string; text?: string } }).resource;
    if (block.type === 'resource' && resource?.uri?.startsWith('gateway://results/') && resource.text) {
      try {
        return fromObject(JSON.parse(resource.text));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
