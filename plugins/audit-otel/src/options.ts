import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export interface AuditOtelOptions {
  endpoint?: string;
  headers?: Record<string, string>;
  serviceName?: string;
  metricIntervalMs?: number;
  recordUser?: boolean;
}

export type ResolvedOtelOptions = AuditOtelOptions & Required<Pick<AuditOtelOptions, 'serviceName' | 'metricIntervalMs' | 'recordUser'>>;
