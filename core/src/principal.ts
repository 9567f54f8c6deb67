/** Who is calling. Produced by an `authenticate` handler and handed to every later hook and to audit. */
export interface Principal {
  /** Stable subject identifier (the JWT `sub`, an API key id, `anonymous`). */
  sub: string;
  /** Human-readable name for logs and audit. */
  username: string;
  email?: string;
  roles: string[];
  scopes: string[];
  /** The verified claims as issued; never the raw token. */
  claims: Record<string, unknown>;
  /** Name of the plugin that authenticated the caller, or `anonymous`. */
  authenticatedBy: string;
}

/** The principal used when no authentication plugin is configured (development only). */
export function anonymousPrincipal(roles: string[] = []): Principal {
  return { sub: 'anonymous', username: 'anonymous', roles, scopes: [], claims: {}, authenticatedBy: 'anonymous' };
}
