/**
 * A small real MCP server of a log-search cluster: `search_logs`, the tool several clusters share (broadcast
 * tests, the web UI). Variants fail, or answer only after a delay; every call can be recorded with its start and end
 * time (performance.now(), same process as the test) and whether the gateway cancelled it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { startHttpBackend, type HttpBackend } from './backends.js';

export interface LogsCall {
  server: string;
  query: string;
  startedAt: number;
  endedAt?: number;
  /** The gateway sent notifications/cancelled for this call (client cancellation, timeout or deadline). */
  cancelled: boolean;
}

export interface LogsServerOptions {
  /** Every call reports an error (isError), as a cluster whose index is down. */
  failing?: boolean;
  /** How long each call takes before answering, in ms (cancellation ends the wait). */
  delayMs?: number;
  /** Where to record each call. */
  calls?: LogsCall[];
}

export function logsServer(name: string, options: LogsServerOptions = {}) {
  return (server: McpServer) => {
    server.registerTool(
      'search_logs',
      {
        description: 'Search the application logs of this cluster',
        inputSchema: {
          query: z.string().describe('Lucene-style query'),
          limit: z.number().int().min(1).max(100).default(10).describe('Most hits to return'),
          level: z.enum(['info', 'warn', 'error']).optional(),
        },
        annotations: { readOnlyHint: true },
      },
      async (args, extra) => {
        const call: LogsCall = { server: name, query: args.query, startedAt: performance.now(), cancelled: false };
        options.calls?.push(call);
        try {
          if (options.delayMs) await sleep(options.delayMs, undefined, { signal: extra.signal });
        } catch {
          call.cancelled = true;
          throw new Error(`search on ${name} cancelled`);
        } finally {
          call.endedAt = performance.now();
        }
        if (options.failing) throw new Error(`index unavailable on ${name}`);
        const hits = [{ timestamp: '2026-01-20T15:30:00Z', level: args.level ?? 'info', message: `${args.query} matched on ${name}` }];
        return { content: [{ type: 'text', text: JSON.stringify({ server: name, query: args.query, limit: args.limit, level: args.level ?? null, hits }) }] };
      },
    );
  };
}

export interface LogsBackend extends HttpBackend {
  /** Every `search_logs` call this backend received. */
  calls: LogsCall[];
}

/** A logs cluster over Streamable HTTP on loopback (on `port` to restart one that was stopped). */
export async function startLogsBackend(name: string, options: Omit<LogsServerOptions, 'calls'> & { port?: number } = {}): Promise<LogsBackend> {
  const calls: LogsCall[] = [];
  const backend = await startHttpBackend(logsServer(name, { ...options, calls }), { name, ...(options.port ? { port: options.port } : {}) });
  return { ...backend, calls };
}
