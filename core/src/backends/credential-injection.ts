/**
 * Turns a server's `auth` block into what its transport sends: headers, query parameters, tool arguments (`body`)
 * or environment variables (stdio). The secret comes from the `resolveCredential` plugin that owns the reference's
 * scheme; the core never reads secrets itself. Runs when a connection is opened, not per call.
 */
import type { AuditEvent } from '../audit/audit-event.js';
import type { SecretRedactor } from '../audit/secret-redactor.js';
import { BackendError, ConfigError, describeError, isGatewayError } from '../errors.js';
import type { CredentialReference, ResolveCredentialHandler, ResolvedCredential } from '../hooks.js';
import type { BackendAuthConfig, ServerConfig } from './server-config.js';

export interface BackendAuthMaterial {
  headers: Record<string, string>;
  query: Record<string, string>;
  /** Merged into every tool call's arguments (the backend takes the secret as an argument). */
  arguments: Record<string, string>;
  env: Record<string, string>;
  /** When the material must be rebuilt (epoch ms), if the secret expires. */
  expiresAt?: number;
  /** Subscribes to changes of the underlying secret; returns an unsubscribe function. */
  watch?: (onChange: () => void) => () => void;
}

export const NO_AUTH: BackendAuthMaterial = Object.freeze({ headers: {}, query: {}, arguments: {}, env: {} }) as BackendAuthMaterial;

export type CredentialSchemeLookup = (scheme: string) => ResolveCredentialHandler | undefined;

export function parseCredentialReference(raw: string): CredentialReference {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/i.exec(raw);
  if (!match) throw new ConfigError(`"${raw}" is not a credential reference (scheme://location)`);
  return { raw, scheme: match[1]!.toLowerCase(), location: match[2]! };
}

/** Checks at start-up that every reference's scheme has an owner, so a typo stops the gateway, not a call. */
export function assertCredentialSchemesOwned(servers: Record<string, ServerConfig>, lookup: CredentialSchemeLookup): void {
  for (const [name, server] of Object.entries(servers)) {
    const ref = server.auth?.credential_ref;
    if (!server.enabled || !ref || server.auth?.method === 'none') continue;
    const { scheme } = parseCredentialReference(ref);
    if (!lookup(scheme)) {
      throw new ConfigError(
        `no plugin resolves "${scheme}://" credential references (add the ${scheme}-credentials plugin)`,
        `servers.${name}.auth.credential_ref`,
      );
    }
  }
}

export interface CredentialInjectorDeps {
  lookup: CredentialSchemeLookup;
  redactor: SecretRedactor;
  fetch?: typeof fetch;
  audit?: (event: Omit<AuditEvent, 'id' | 'timestamp'>) => void;
}

export class CredentialInjector {
  constructor(private readonly deps: CredentialInjectorDeps) {}

  /** Resolves the server's credential and lays it out as the `auth` block says. */
  async materialFor(serverName: string, server: ServerConfig): Promise<BackendAuthMaterial> {
    const auth = server.auth;
    if (!auth || auth.method === 'none' || !auth.credential_ref) return NO_AUTH;
    const resolved = await this.resolve(serverName, auth.credential_ref);
    this.deps.redactor.addSecret(resolved.value);
    const secret = auth.method === 'oauth2' ? await this.clientCredentialsToken(serverName, auth, resolved.value) : resolved;
    const value = formatCredential(auth, auth.method === 'basic' ? basicCredential(auth, secret.value) : secret.value);
    this.deps.redactor.addSecret(value);
    const material: BackendAuthMaterial = { headers: {}, query: {}, arguments: {}, env: {} };
    const slot = { header: material.headers, query: material.query, body: material.arguments, env: material.env }[auth.location];
    if (auth.location === 'header') assertSafeHeader(serverName, auth.name, value);
    slot[auth.name] = value;
    material.expiresAt = minDefined(resolved.expiresAt, secret.expiresAt);
    if (resolved.watch) material.watch = resolved.watch.bind(resolved);
    return material;
  }

  private async resolve(serverName: string, raw: string): Promise<ResolvedCredential> {
    const reference = parseCredentialReference(raw);
    const handler = this.deps.lookup(reference.scheme);
    if (!handler) throw new ConfigError(`no plugin resolves "${reference.scheme}://" references`, `servers.${serverName}.auth.credential_ref`);
    try {
      const resolved = await handler(reference, { server: serverName });
      if (!resolved || typeof resolved.value !== 'string' || resolved.value.length === 0) {
        throw new Error('the reference resolved to an empty value');
      }
      return resolved;
    } catch (error) {
      const message = `cannot resolve credential ${raw} for server "${serverName}": ${this.deps.redactor.scrubString(describeError(error))}`;
      throw isGatewayError(error) && error instanceof ConfigError ? new ConfigError(message) : new BackendError(message);
    }
  }

  /** OAuth2 client-credentials grant (RFC 6749 §4.4); the resolved credential is the client secret. */
  private async clientCredentialsToken(serverName: string, auth: BackendAuthConfig, clientSecret: string): Promise<ResolvedCredential> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scopes?.length) body.set('scope', auth.scopes.join(' '));
    if (auth.audience) body.set('audience', auth.audience);
    const basic = Buffer.from(`${encodeURIComponent(auth.client_id!)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const response = await (this.deps.fetch ?? fetch)(auth.token_url!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => {
      throw new BackendError(`token endpoint for server "${serverName}" unreachable: ${describeError(error)}`);
    });
    const payload = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!response.ok || typeof payload.access_token !== 'string') {
      throw new BackendError(`token endpoint for server "${serverName}" refused the client-credentials grant (HTTP ${response.status}${payload.error ? `, ${String(payload.error)}` : ''})`);
    }
    this.deps.redactor.addSecret(payload.access_token);
    const expiresIn = typeof payload.expires_in === 'number' ? payload.expires_in : undefined;
    return { value: payload.access_token, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) };
  }
}

function basicCredential(auth: BackendAuthConfig, password: string): string {
  // `username` may be omitted when the resolved secret already is `user:password`.
  return Buffer.from(auth.username !== undefined ? `${auth.username}:${password}` : password).toString('base64');
}

function formatCredential(auth: BackendAuthConfig, credential: string): string {
  switch (auth.format) {
    case 'raw':
      return credential;
    case 'template':
      return auth.template!.split('{credential}').join(credential);
    case 'prefix':
      return `${auth.method === 'basic' && auth.prefix === 'Bearer ' ? 'Basic ' : (auth.prefix ?? '')}${credential}`;
  }
}

/** CR/LF would split headers (response splitting); other control characters are refused as well. */
function assertSafeHeader(serverName: string, name: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new ConfigError(`the credential for header "${name}" contains control characters and was refused`, `servers.${serverName}.auth`);
  }
}

function minDefined(a?: number, b?: number): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
