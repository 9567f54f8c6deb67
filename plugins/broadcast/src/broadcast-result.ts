/**
 * The merged answer of a broadcast, in the seed's shape: a text summary, a `gateway://results/<tool>` JSON resource
 * and the same object as `structuredContent`. `isError` only when every target failed.
 */
import type { CallToolResult } from './mcp-types.js';

export interface BroadcastReport {
  /** Each server that answered, with its result unchanged (content, structuredContent). */
  results: Record<string, CallToolResult>;
  /** Each server that failed, was skipped or was denied, with why. */
  errors: Record<string, string>;
  metadata: {
    tool_name: string;
    total_servers: number;
    successful: number;
    failed: number;
    execution_time_ms: number;
  };
}

/** Declared as each broadcast tool's `outputSchema`, so clients know the shape of `structuredContent`. */
export const BROADCAST_OUTPUT_SCHEMA = {
  type: 'object',
  properties: {
    results: { type: 'object', description: 'server name → that server\'s tool result', additionalProperties: { type: 'object' } },
    errors: { type: 'object', description: 'server name → why it failed, was skipped or was denied', additionalProperties: { type: 'string' } },
    metadata: {
      type: 'object',
      properties: {
        tool_name: { type: 'string' },
        total_servers: { type: 'integer' },
        successful: { type: 'integer' },
        failed: { type: 'integer' },
        execution_time_ms: { type: 'integer' },
      },
      required: ['tool_name', 'total_servers', 'successful', 'failed', 'execution_time_ms'],
    },
  },
  required: ['results', 'errors', 'metadata'],
} as const;

export function toToolResult(report: BroadcastReport): CallToolResult {
  const { tool_name: tool, total_servers: total, successful, failed } = report.metadata;
  const failures = Object.entries(report.errors);
  const summary = successful > 0
    ? `Successfully executed '${tool}' on ${successful}/${total} servers${failed ? ` (${failed} failed: ${failures.map(([server]) => server).join(', ')})` : ''}`
    : `Failed to execute '${tool}' on all ${total} servers: ${failures.map(([server, message]) => `${server}: ${message}`).join('; ')}`;
  return {
    content: [
      { type: 'text', text: summary },
      { type: 'resource', resource: { uri: `gateway://results/${encodeURIComponent(tool)}`, mimeType: 'application/json', text: JSON.stringify(report) } },
    ],
    structuredContent: report as unknown as Record<string, unknown>,
    isError: successful === 0,
  };
}

/** What a result that reports `isError` says, as one line for `errors`. */
export function toolErrorMessage(result: CallToolResult): string {
  const text = result.content
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join(' ')
    .trim();
  return text ? `the tool reported an error: ${text}` : 'the tool reported an error';
}
