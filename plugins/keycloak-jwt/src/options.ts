import { ConfigError, type JsonSchema } from '@secure-mcp-gateway/core';
import schema from './options.schema.json' with { type: 'json' };

export const optionsSchema: JsonSchema = schema;

/** Options as written in the gateway config (see options.schema.json and README.md). */
export interface KeycloakJwtOptions {
  /** The `iss` claim, exactly. Or give `keycloakUrl` and `realm`. */
  issuer?: string;
  keycloakUrl?: string;
  realm?: string;
  audience: string | string[];
  jwksUri?: string;
  algorithms?: string[];
  clockTolerance?: number;
  requiredScopes?: string[];
  tokenTypes?: string[];
  claims?: Partial<ClaimMapping>;
  jwks?: Partial<JwksSettings>;
  resourceMetadata?: Partial<ResourceMetadataSettings>;
}

export interface ClaimMapping {
  username: string;
  email: string;
  /** Dot paths of role arrays, e.g. `realm_access.roles`. */
  roles: string[];
  /** Clients whose `resource_access.<client>.roles` count as roles. */
  clientRoles?: string[];
  /** Dot path of the scopes: a space-separated string or an array. */
  scopes: string;
}

export interface JwksSettings {
  cacheMaxAgeSeconds: number;
  cooldownSeconds: number;
  timeoutSeconds: number;
}

export interface ResourceMetadataSettings {
  enabled: boolean;
  authorizationServers?: string[];
  scopesSupported?: string[];
  resourceName: string;
  documentation?: string;
}

/** The options after schema defaults, with the issuer and audiences settled. */
export interface ResolvedOptions {
  issuer: string;
  audiences: string[];
  jwksUri?: string;
  algorithms: string[];
  clockTolerance: number;
  requiredScopes: string[];
  tokenTypes?: string[];
  claims: Required<ClaimMapping>;
  jwks: JwksSettings;
  resourceMetadata: ResourceMetadataSettings;
}

export function resolveOptions(options: KeycloakJwtOptions): ResolvedOptions {
  const issuer = issuerOf(options);
  const audiences = Array.isArray(options.audience) ? options.audience : [options.audience];
  const claims = options.claims as ClaimMapping;
  return {
    issuer,
    audiences,
    ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}),
    algorithms: options.algorithms!,
    clockTolerance: options.clockTolerance!,
    requiredScopes: options.requiredScopes!,
    ...(options.tokenTypes ? { tokenTypes: options.tokenTypes } : {}),
    claims: { ...claims, clientRoles: claims.clientRoles ?? audiences },
    jwks: options.jwks as JwksSettings,
    resourceMetadata: options.resourceMetadata as ResourceMetadataSettings,
  };
}

/** Exactly one way of naming the issuer: refuse a config that gives both or neither rather than pick one. */
function issuerOf(options: KeycloakJwtOptions): string {
  const keycloak = options.keycloakUrl !== undefined || options.realm !== undefined;
  if (options.issuer !== undefined && keycloak) throw new ConfigError('give either "issuer" or "keycloakUrl" + "realm", not both', 'plugins.keycloak-jwt');
  if (options.issuer !== undefined) return options.issuer;
  if (!options.keycloakUrl || !options.realm) throw new ConfigError('missing "issuer" (or "keycloakUrl" and "realm")', 'plugins.keycloak-jwt');
  return `${options.keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(options.realm)}`;
}
