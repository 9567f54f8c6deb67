import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

export type VaultAuthOptions =
  /** A token issued to the gateway (VAULT_TOKEN); renewed while renewable. */
  | { method: 'token'; token: string }
  /** AppRole login (VAULT_ROLE_ID / VAULT_SECRET_ID); the gateway logs in again when its token can no longer be renewed. */
  | { method: 'approle'; roleId: string; secretId: string; mount?: string };

export interface VaultCredentialsOptions {
  /** Vault's address, e.g. `https://vault.example.com:8200`. */
  address: string;
  /** Vault Enterprise namespace (`X-Vault-Namespace`). */
  namespace?: string;
  auth: VaultAuthOptions;
  /** How long a secret read is reused, and how often watched secrets are checked for a new version. Default 300. */
  cacheTtlSeconds?: number;
  /** Timeout of each request to Vault. Default 10. */
  timeoutSeconds?: number;
}
