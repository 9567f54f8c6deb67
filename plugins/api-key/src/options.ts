import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export interface ApiKeyEntry {
  /** Stable id; the principal's `sub` is `api-key:<id>`. */
  id: string;
  /** `sha256:<hex>` of the key (see `hashApiKey`); the key itself is never configured. */
  hash: string;
  roles?: string[];
  scopes?: string[];
  /** Shown in logs and audit. Default: the id. */
  username?: string;
  /** ISO-8601; the key is refused from then on. */
  expiresAt?: string;
  description?: string;
}

export interface ApiKeyOptions {
  /** Header carrying the key. Default `x-api-key`. */
  header?: string;
  /** Also read `Authorization: Bearer mgw_…`. Default true. */
  acceptBearer?: boolean;
  keys: ApiKeyEntry[];
}
