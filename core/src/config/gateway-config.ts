import type { BackendAuthConfig, ServerConfig } from '../backends/server-config.js';
import type { GatewayPlugin } from '../plugin.js';

/** A plugin named by package, for `.json`/`.yaml` configs: its default export is the factory. */
export interface PluginReference {
  /** Package name or path, e.g. `@secure-mcp-gateway/plugin-audit-file`. */
  package: string;
  options?: Record<string, unknown>;
}

/** Server entries as written: every field but `type` has a default (and `type` defaults from `url`/`command`). */
/** A server entry as written: every field with a default may be left out, in the `auth` block too. */
export type ServerConfigInput = Partial<Omit<ServerConfig, 'auth'>> & {
  auth?: (Partial<BackendAuthConfig> & Pick<BackendAuthConfig, 'method'>) | null;
};

export interface GatewayConfigInput {
  server?: {
    /** Interface to bind; without an authentication plugin only loopback is allowed. Default `127.0.0.1`. */
    host?: string;
    /** Default 8000. */
    port?: number;
    /** Public base URL of the gateway (used in OAuth metadata). Default `http://<host>:<port>`. */
    publicUrl?: string;
    /** Express `trust proxy` setting, for client addresses behind a reverse proxy. Default false. */
    trustProxy?: boolean | number | string;
    /** Maximum JSON body size. Default `4mb`. */
    bodyLimit?: string;
    /** Allowed `Origin`s for browser clients (CORS and DNS-rebinding protection). Default: none. */
    allowedOrigins?: string[];
    /**
     * Without an authentication plugin the gateway binds to loopback only. Binding elsewhere needs this option AND
     * the environment variable `MCP_GATEWAY_ALLOW_UNAUTHENTICATED_REMOTE=true`: told twice, on purpose. Default false.
     */
    allowUnauthenticatedRemote?: boolean;
  };
  /** Path of a YAML file in the seed format (`servers: {...}`), relative to the config file, or the servers inline. */
  servers?: string | Record<string, ServerConfigInput>;
  plugins?: Array<GatewayPlugin<any> | PluginReference>;
  logging?: {
    level?: 'error' | 'warn' | 'info' | 'debug';
    format?: 'json' | 'pretty';
  };
  access?: {
    /** Roles that may use the admin API when no authorize plugin has an opinion. Default `["mcp-admin"]`. */
    adminRoles?: string[];
    /** Roles of the anonymous principal used when no authentication plugin is configured. */
    anonymousRoles?: string[];
  };
  audit?: {
    /** Argument keys (case-insensitive substrings) whose values are replaced by `[REDACTED]`. */
    redactKeys?: string[];
    /** Refuse calls (503) while no durable audit sink can accept events. Default false. */
    failClosed?: boolean;
  };
  sessions?: {
    /** Idle client sessions are closed after this many seconds. Default 1800. */
    idleTimeoutSeconds?: number;
    /** Upper bound on concurrent client sessions. Default 1000. */
    maxSessions?: number;
  };
}

/** The config after validation, with every default applied. */
export interface GatewayConfig {
  server: Required<Omit<NonNullable<GatewayConfigInput['server']>, 'publicUrl'>> & { publicUrl: string };
  servers: Record<string, ServerConfig>;
  /** Where `servers` came from, when it was a file (for reloads and the CLI). */
  serversFile?: string;
  plugins: GatewayPlugin<unknown>[];
  logging: Required<NonNullable<GatewayConfigInput['logging']>>;
  access: Required<NonNullable<GatewayConfigInput['access']>>;
  audit: Required<NonNullable<GatewayConfigInput['audit']>>;
  sessions: Required<NonNullable<GatewayConfigInput['sessions']>>;
  /** The directory relative paths are resolved against. */
  baseDir: string;
  /** The config file this config was loaded from, if any; errors about plugins name it. */
  configFile?: string;
}

/** Typed helper for `gateway.config.ts`. */
export function defineConfig(config: GatewayConfigInput): GatewayConfigInput {
  return config;
}
