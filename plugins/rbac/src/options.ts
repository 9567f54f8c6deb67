import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

/**
 * One access rule. Who: `roles`, `scopes`, `users` (sub or username) — each given list must match (any of its
 * entries); none given means everyone. What: `servers`, `tools`, `resources`, `prompts` are globs (picomatch;
 * `**` crosses `/` in resource URIs); `tools` match the backend's name or the gateway name `server__tool`.
 */
export interface RbacRule {
  effect: 'allow' | 'deny';
  description?: string;
  roles?: string[];
  scopes?: string[];
  users?: string[];
  servers?: string[];
  tools?: string[];
  resources?: string[];
  prompts?: string[];
  admin?: boolean;
}

export interface RbacOptions {
  /** When no rule matches. Default `deny`. */
  default?: 'deny' | 'allow';
  rules?: RbacRule[];
}
