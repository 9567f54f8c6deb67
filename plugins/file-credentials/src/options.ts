import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export interface FileCredentialsOptions {
  /** Absolute directories `file://` references may point into. Default: anywhere the gateway can read. */
  allowedDirectories?: string[];
  /** Re-read watched files this often as well, for file systems without change events. Default 60; 0 = off. */
  pollIntervalSeconds?: number;
}
