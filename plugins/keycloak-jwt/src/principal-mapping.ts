/** Verified claims → the Principal every later hook sees. Defaults read Keycloak's token layout. */
import type { JWTPayload } from 'jose';
import type { Principal } from '@secure-mcp-gateway/core';
import type { ClaimMapping } from './options.js';

export function principalFromClaims(claims: JWTPayload, mapping: Required<ClaimMapping>, plugin: string): Principal {
  const sub = String(claims.sub);
  const username = stringAt(claims, mapping.username) ?? sub;
  const email = stringAt(claims, mapping.email);
  const roles = new Set<string>();
  for (const path of mapping.roles) for (const role of stringsAt(claims, path)) roles.add(role);
  for (const client of mapping.clientRoles) for (const role of clientRoles(claims, client)) roles.add(role);
  return {
    sub,
    username,
    ...(email ? { email } : {}),
    roles: [...roles],
    scopes: scopesOf(claims, mapping.scopes),
    claims: { ...claims },
    authenticatedBy: plugin,
  };
}

/** Scopes as a space-separated string (OAuth `scope`) or an array (`scp`). */
export function scopesOf(claims: JWTPayload, path: string): string[] {
  const value = valueAt(claims, path);
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return stringsAt(claims, path);
}

/** `resource_access.<client>.roles`; the client id is looked up as a key, so dots in it are fine. */
function clientRoles(claims: JWTPayload, client: string): string[] {
  const access = claims['resource_access'];
  if (!access || typeof access !== 'object') return [];
  const entry = (access as Record<string, unknown>)[client];
  const roles = entry && typeof entry === 'object' ? (entry as Record<string, unknown>)['roles'] : undefined;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

function valueAt(claims: JWTPayload, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let current: unknown = claims;
  for (const key of path.split('.')) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function stringAt(claims: JWTPayload, path: string): string | undefined {
  const value = valueAt(claims, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stringsAt(claims: JWTPayload, path: string): string[] {
  const value = valueAt(claims, path);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
