import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export interface AuditFileRotation {
  /** Bytes, or a number with k, m or g, e.g. "100m". */
  maxSize?: string | number;
  /** moment.js pattern; a new file starts when it changes, e.g. "YYYY-MM-DD". */
  datePattern?: string;
  /** A count, or days with a "d" suffix, e.g. "30d". */
  maxFiles?: string | number;
  compress?: boolean;
}

export interface AuditFileOptions {
  /** Default: $AUDIT_LOG_FILE, else `audit.jsonl`. */
  file?: string;
  /** Default: $AUDIT_TO_STDOUT == "true". */
  stdout?: boolean;
  rotation?: AuditFileRotation;
}

/** The options with the environment's defaults applied. */
export interface ResolvedFileOptions {
  file: string;
  stdout: boolean;
  rotation?: AuditFileRotation;
}

export function resolveFileOptions(options: AuditFileOptions, env: NodeJS.ProcessEnv = process.env): ResolvedFileOptions {
  return {
    file: options.file ?? env['AUDIT_LOG_FILE'] ?? 'audit.jsonl',
    stdout: options.stdout ?? env['AUDIT_TO_STDOUT'] === 'true',
    ...(options.rotation ? { rotation: options.rotation } : {}),
  };
}
