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
  /** Absolute. */
  file: string;
  stdout: boolean;
  rotation?: AuditFileRotation;
}

/** `resolvePath` makes the file absolute: a relative one is resolved from the config file's directory. */
export function resolveFileOptions(options: AuditFileOptions, resolvePath: (path: string) => string, env: NodeJS.ProcessEnv = process.env): ResolvedFileOptions {
  return {
    file: resolvePath(options.file ?? env['AUDIT_LOG_FILE'] ?? 'audit.jsonl'),
    stdout: options.stdout ?? env['AUDIT_TO_STDOUT'] === 'true',
    ...(options.rotation ? { rotation: options.rotation } : {}),
  };
}
