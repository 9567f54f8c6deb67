import schema from './options.schema.json' with { type: 'json' };
import type { JsonSchema } from '@secure-mcp-gateway/core';

export const optionsSchema: JsonSchema = schema;

export interface OidcOptions {
  authority: string;
  clientId?: string;
  scope?: string;
}

export interface AdminUiOptions {
  basePath?: string;
  title?: string;
  gatewayUrl?: string;
  oidc?: OidcOptions;
  adminRole?: string;
  auditPollSeconds?: number;
}

/** The options after schema validation: every default applied. */
export type ResolvedOptions = Required<Omit<AdminUiOptions, 'oidc' | 'gatewayUrl'>> & {
  gatewayUrl?: string;
  oidc?: Required<OidcOptions>;
};
