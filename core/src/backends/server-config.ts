/** One backend MCP server, exactly as written in `mcp_servers.yaml` (`servers.<name>`) or inline in the config. */
export interface ServerConfig {
  /** `streamable-http` (alias `http`), `sse` or `stdio`. */
  type: ServerTransportType;
  /** Endpoint URL, for `streamable-http` and `sse`. */
  url?: string;
  /** Per-request timeout, in seconds. */
  timeout: number;
  enabled: boolean;
  description?: string;
  tags: string[];
  auth?: BackendAuthConfig | null;
  /** Extra static headers sent to an HTTP backend. */
  headers?: Record<string, string>;
  /** For `stdio`: the program, its arguments, extra environment and working directory. */
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export type ServerTransportType = 'streamable-http' | 'http' | 'sse' | 'stdio';

/** How the gateway presents its own credential to a backend (the seed's `auth` block). */
export interface BackendAuthConfig {
  method: 'api_key' | 'bearer' | 'basic' | 'oauth2' | 'custom' | 'none';
  /** Where the secret goes. `env` applies to stdio servers only. */
  location: 'header' | 'query' | 'body' | 'env';
  /** Header, query parameter, argument or environment variable name. */
  name: string;
  format: 'raw' | 'prefix' | 'template';
  prefix?: string;
  /** With `format: template`: a string containing `{credential}`. */
  template?: string;
  /** `scheme://…` reference resolved by the plugin that owns the scheme (`env://`, `file://`, `vault://`). */
  credential_ref?: string;
  /** For `basic`: the user name (the resolved credential is the password). */
  username?: string;
  /** For `oauth2`: client-credentials grant; the credential is the client secret. */
  token_url?: string;
  client_id?: string;
  scopes?: string[];
  audience?: string;
}

export type ServersConfig = Record<string, ServerConfig>;
