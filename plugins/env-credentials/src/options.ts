import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export interface EnvCredentialsOptions {
  /**
   * Variable names that `env://` references may read; an entry ending in `*` allows a prefix (`MCP_SECRET_*`).
   * Default: any variable. Set it when the servers file can be edited by people who should not read, say, `DATABASE_URL`.
   */
  allow?: string[];
}
