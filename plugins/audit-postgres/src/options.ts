import { ConfigError, type JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export interface AuditPostgresOptions {
  /** Default: $AUDIT_DATABASE_URL, else $DATABASE_URL. */
  connectionString?: string;
  table?: string;
  spoolFile?: string;
  batchSize?: number;
  flushIntervalMs?: number;
  maxQueue?: number;
  maxHeldEvents?: number;
  retryIntervalMs?: number;
  queryTimeoutMs?: number;
  maxQueryLimit?: number;
}

export type ResolvedPostgresOptions = Required<AuditPostgresOptions>;

/** The options after schema defaults, with the connection string taken from the environment when not given. */
export function resolvePostgresOptions(options: AuditPostgresOptions, env: NodeJS.ProcessEnv = process.env): ResolvedPostgresOptions {
  const connectionString = options.connectionString ?? env['AUDIT_DATABASE_URL'] ?? env['DATABASE_URL'];
  if (!connectionString) throw new ConfigError('set "connectionString" (or AUDIT_DATABASE_URL / DATABASE_URL)', 'plugins.audit-postgres');
  return { ...(options as ResolvedPostgresOptions), connectionString };
}
