/**
 * The environment variables of the shipped bundle (`.env.example`), read once and typed, for a `gateway.config.ts`
 * that turns plugins on and off from them. A wrong value stops start-up with a message that names the variable;
 * nothing set at all means the development default: 127.0.0.1:8000, no authentication, ./mcp_servers.yaml.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, describeError } from '../errors.js';
import type { GatewayConfigInput } from './gateway-config.js';

export interface EnvConfig {
  host: string;
  port: number;
  publicUrl?: string;
  trustProxy?: boolean | number | string;
  allowedOrigins: string[];
  serversFile: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'json' | 'pretty';
  adminRoles: string[];
  /** Present when callers must authenticate with JWTs (AUTH_ENABLED, or implied by KEYCLOAK_URL / OIDC_ISSUER). */
  jwt?: {
    /** Exactly one of `issuer` or `keycloakUrl` + `realm`. */
    issuer?: string;
    keycloakUrl?: string;
    realm?: string;
    /** Where the gateway fetches keys when it reaches the provider on another address than callers do (compose). */
    jwksUri?: string;
    audience: string;
    algorithms: string[];
    requiredScopes: string[];
  };
  /** API key entries (API_KEYS_FILE, YAML or JSON: a list of `{id, hash, roles}`). */
  apiKeys?: unknown[];
  /** RBAC rules (RBAC_RULES_FILE, YAML or JSON: `{default, rules}`). */
  rbac?: Record<string, unknown>;
  auditFile?: string;
  auditToStdout: boolean;
  databaseUrl?: string;
  /** Where the PostgreSQL sink keeps events while the database is unreachable (AUDIT_SPOOL_FILE). */
  auditSpoolFile?: string;
  /** Refuse calls while no durable audit sink can accept events (AUDIT_FAIL_CLOSED). */
  auditFailClosed: boolean;
  otel?: { endpoint: string; serviceName: string; headers: Record<string, string> };
  /** vault-credentials settings (VAULT_ADDR with VAULT_TOKEN, or VAULT_ROLE_ID + VAULT_SECRET_ID for AppRole). */
  vault?: {
    address: string;
    namespace?: string;
    auth: { method: 'token'; token: string } | { method: 'approle'; roleId: string; secretId: string };
    cacheTtlSeconds?: number;
  };
  broadcast: boolean;
  /** The web UI under /ui (ADMIN_UI_ENABLED). */
  adminUi: boolean;
}

type Env = Record<string, string | undefined>;

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Reads and checks every variable; throws ConfigError naming the first bad one. */
export function readEnvConfig(env: Env = process.env): EnvConfig {
  const read = reader(env);
  const jwt = jwtSettings(env, read);
  const otelEndpoint = read.url('OTEL_EXPORTER_OTLP_ENDPOINT');
  const apiKeysFile = read.text('API_KEYS_FILE');
  const rbacFile = read.text('RBAC_RULES_FILE');
  return {
    host: read.text('HOST') ?? '127.0.0.1',
    port: read.port('PORT') ?? 8000,
    ...optional('publicUrl', read.url('PUBLIC_URL')?.replace(/\/+$/, '')),
    ...optional('trustProxy', trustProxy(read.text('TRUST_PROXY'))),
    allowedOrigins: read.list('ALLOWED_ORIGINS') ?? [],
    serversFile: read.text('MCP_SERVERS_FILE') ?? './mcp_servers.yaml',
    logLevel: read.choice('LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const) ?? 'info',
    logFormat: read.choice('LOG_FORMAT', ['json', 'pretty'] as const) ?? 'pretty',
    adminRoles: read.list('ADMIN_ROLES') ?? ['mcp-admin'],
    ...optional('jwt', jwt),
    ...optional('apiKeys', apiKeysFile === undefined ? undefined : dataFile<unknown[]>('API_KEYS_FILE', apiKeysFile, 'array')),
    ...optional('rbac', rbacFile === undefined ? undefined : dataFile<Record<string, unknown>>('RBAC_RULES_FILE', rbacFile, 'object')),
    ...optional('auditFile', read.text('AUDIT_LOG_FILE')),
    auditToStdout: read.bool('AUDIT_TO_STDOUT') ?? false,
    auditFailClosed: read.bool('AUDIT_FAIL_CLOSED') ?? false,
    ...optional('databaseUrl', read.url('DATABASE_URL', /^postgres(ql)?:\/\//)),
    ...optional('auditSpoolFile', read.text('AUDIT_SPOOL_FILE')),
    ...optional('otel', otelEndpoint && { endpoint: otelEndpoint, serviceName: read.text('OTEL_SERVICE_NAME') ?? 'secure-mcp-gateway', headers: otelHeaders(read.text('OTEL_EXPORTER_OTLP_HEADERS')) }),
    ...optional('vault', vaultSettings(read)),
    broadcast: read.bool('BROADCAST_ENABLED') ?? true,
    adminUi: read.bool('ADMIN_UI_ENABLED') ?? false,
  };
}

function jwtSettings(env: Env, read: ReturnType<typeof reader>): EnvConfig['jwt'] {
  const issuer = read.url('OIDC_ISSUER')?.replace(/\/+$/, '');
  const keycloakUrl = read.url('KEYCLOAK_URL')?.replace(/\/+$/, '');
  const enabled = read.bool('AUTH_ENABLED') ?? Boolean(issuer || keycloakUrl);
  if (!enabled) return undefined;
  if (!issuer && !keycloakUrl) throw new ConfigError('AUTH_ENABLED=true needs KEYCLOAK_URL (with KEYCLOAK_REALM) or OIDC_ISSUER', 'KEYCLOAK_URL');
  if (issuer && keycloakUrl) throw new ConfigError('set either OIDC_ISSUER or KEYCLOAK_URL, not both', 'OIDC_ISSUER');
  const realm = read.text('KEYCLOAK_REALM') ?? 'mcp-gateway';
  const internal = read.url('KEYCLOAK_INTERNAL_URL')?.replace(/\/+$/, '');
  const algorithms = read.list('JWT_ALGORITHM') ?? ['RS256'];
  const unknown = algorithms.find((algorithm) => !ALGORITHMS.includes(algorithm));
  if (unknown) throw new ConfigError(`"${unknown}" is not an asymmetric JWT algorithm the gateway accepts (${ALGORITHMS.join(', ')})`, 'JWT_ALGORITHM');
  const jwksUri = read.url('JWKS_URI') ?? (internal && keycloakUrl ? `${internal}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/certs` : undefined);
  if (env['KEYCLOAK_INTERNAL_URL'] && !keycloakUrl) throw new ConfigError('KEYCLOAK_INTERNAL_URL needs KEYCLOAK_URL', 'KEYCLOAK_INTERNAL_URL');
  return {
    ...(issuer ? { issuer } : { keycloakUrl: keycloakUrl!, realm }),
    ...optional('jwksUri', jwksUri),
    audience: read.text('JWT_AUDIENCE') ?? 'mcp-gateway',
    algorithms,
    requiredScopes: read.list('JWT_REQUIRED_SCOPES') ?? [],
  };
}

function vaultSettings(read: ReturnType<typeof reader>): EnvConfig['vault'] {
  const address = read.url('VAULT_ADDR');
  const token = read.text('VAULT_TOKEN');
  const roleId = read.text('VAULT_ROLE_ID');
  const secretId = read.text('VAULT_SECRET_ID');
  if (!address) {
    const stray = token ? 'VAULT_TOKEN' : roleId ? 'VAULT_ROLE_ID' : secretId ? 'VAULT_SECRET_ID' : undefined;
    if (stray) throw new ConfigError('is set but VAULT_ADDR is not; set VAULT_ADDR to use Vault', stray);
    return undefined;
  }
  if (token && (roleId || secretId)) throw new ConfigError('set either VAULT_TOKEN or VAULT_ROLE_ID with VAULT_SECRET_ID (AppRole), not both', 'VAULT_TOKEN');
  if (!token && !roleId && !secretId) throw new ConfigError('VAULT_ADDR needs VAULT_TOKEN, or VAULT_ROLE_ID with VAULT_SECRET_ID (AppRole)', 'VAULT_TOKEN');
  if (!token && !roleId) throw new ConfigError('AppRole login needs VAULT_ROLE_ID as well as VAULT_SECRET_ID', 'VAULT_ROLE_ID');
  if (!token && !secretId) throw new ConfigError('AppRole login needs VAULT_SECRET_ID as well as VAULT_ROLE_ID', 'VAULT_SECRET_ID');
  const cacheTtl = read.text('VAULT_CACHE_TTL');
  if (cacheTtl !== undefined && !/^[1-9]\d*$/.test(cacheTtl)) throw new ConfigError(`must be a whole number of seconds, not "${cacheTtl}"`, 'VAULT_CACHE_TTL');
  return {
    address,
    ...optional('namespace', read.text('VAULT_NAMESPACE')),
    auth: token ? { method: 'token', token } : { method: 'approle', roleId: roleId!, secretId: secretId! },
    ...optional('cacheTtlSeconds', cacheTtl === undefined ? undefined : Number(cacheTtl)),
  };
}

/** Typed readers; an empty variable counts as unset (as docker compose passes `VAR=` through). */
function reader(env: Env) {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  return {
    text,
    bool(name: string): boolean | undefined {
      const value = text(name)?.toLowerCase();
      if (value === undefined) return undefined;
      if (['true', '1', 'yes', 'on'].includes(value)) return true;
      if (['false', '0', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(`must be true or false, not "${env[name]}"`, name);
    },
    port(name: string): number | undefined {
      const value = text(name);
      if (value === undefined) return undefined;
      const port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535) throw new ConfigError(`must be a port number (0-65535), not "${value}"`, name);
      return port;
    },
    url(name: string, pattern: RegExp = /^https?:\/\/[^\s]+$/): string | undefined {
      const value = text(name);
      if (value === undefined) return undefined;
      if (!pattern.test(value)) throw new ConfigError(`must be a URL matching ${pattern.source}, not "${redactUrl(value)}"`, name);
      return value;
    },
    list(name: string): string[] | undefined {
      const value = text(name);
      return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);
    },
    choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
      const value = text(name);
      if (value === undefined) return undefined;
      if (!choices.includes(value as T)) throw new ConfigError(`must be one of ${choices.join(', ')}, not "${value}"`, name);
      return value as T;
    },
  };
}

function trustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** `key1=value1,key2=value2` (the OpenTelemetry convention). */
function otelHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of value?.split(',') ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new ConfigError('must look like name=value,name2=value2', 'OTEL_EXPORTER_OTLP_HEADERS');
    headers[pair.slice(0, equals).trim()] = decodeURIComponent(pair.slice(equals + 1).trim());
  }
  return headers;
}

function dataFile<T>(name: string, path: string, shape: 'array' | 'object'): T {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${describeError(error)}`, name);
  }
  const ok = shape === 'array' ? Array.isArray(value) : Boolean(value) && typeof value === 'object' && !Array.isArray(value);
  if (!ok) throw new ConfigError(`${path} must hold a YAML/JSON ${shape === 'array' ? 'list' : 'mapping'}`, name);
  return value as T;
}

/** Never echo a database password back in an error. */
function redactUrl(value: string): string {
  return value.replace(/(\/\/[^/:@\s]*:)[^@\s/]+@/, '$1[REDACTED]@');
}

function optional<K extends string, V>(key: K, value: V | undefined | '' | false): { [P in K]?: V } {
  return (value === undefined || value === '' || value === false ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The issuer URL of the JWT settings, however they were given (for clients such as the web UI's login). */
export function issuerOf(jwt: NonNullable<EnvConfig['jwt']>): string {
  return jwt.issuer ?? `${jwt.keycloakUrl}/realms/${encodeURIComponent(jwt.realm ?? 'mcp-gateway')}`;
}

/** The core settings of a config built from the environment (everything except the plugins). */
export function gatewaySettingsFrom(env: EnvConfig): Omit<GatewayConfigInput, 'plugins'> {
  return {
    server: {
      host: env.host,
      port: env.port,
      ...optional('publicUrl', env.publicUrl),
      ...(env.trustProxy !== undefined ? { trustProxy: env.trustProxy } : {}),
      allowedOrigins: env.allowedOrigins,
    },
    servers: env.serversFile,
    logging: { level: env.logLevel, format: env.logFormat },
    access: { adminRoles: env.adminRoles },
    audit: { failClosed: env.auditFailClosed },
  };
}
