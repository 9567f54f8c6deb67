import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export interface BroadcastOptions {
  /** How many servers must share a tool (or carry a tag) before its broadcast tool is generated. Default 2. */
  minServers?: number;
  /** Backend tool names (globs) that are never broadcast, by any path. */
  excludeTools?: string[];
  /** Tags (globs, compared after normalisation: `elk-*` matches `elk_cluster`) that get no `broadcast__by_tag__` tool and cannot be selected over REST. */
  excludeTags?: string[];
  /** Most backend calls of one broadcast in flight at once. Default 16. */
  concurrency?: number;
  /** The whole broadcast's time limit, in seconds; each server's own timeout applies within it. Default 60. */
  deadlineSeconds?: number;
}

/** The options after schema validation: every default filled in. */
export type ResolvedBroadcastOptions = Required<BroadcastOptions>;
