import type { JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

/** Validated by the core against options.schema.json (defaults applied) before `setup` runs. */
export const optionsSchema: JsonSchema = schema;

export interface ClientTagOptions {
  /** Request header in which an MCP client names itself. Default `x-mcp-client`. */
  header?: string;
  /** Client name → the server tags it may use; `"*"` means every server. */
  clients: Record<string, string[]>;
  /** Requests without the header: `allow` leaves them to other policies (default), `deny` refuses them. */
  untagged?: 'allow' | 'deny';
  /** Log a line of decision counts this often, in seconds; 0 (default) never. */
  summaryIntervalSeconds?: number;
}

/** What `setup` receives: the schema filled in every default. */
export type ResolvedClientTagOptions = Required<ClientTagOptions>;
