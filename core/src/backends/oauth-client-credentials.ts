/**
 * OAuth2 client-credentials grant (RFC 6749 §4.4) for backends whose `auth.method` is `oauth2`. One token per
 * server, cached until shortly before it expires and shared by every connection to that server; concurrent
 * requests for it share one call to the token endpoint.
 */
import type { SecretRedactor } from '../audit/secret-redactor.js';
import { BackendError, describeError } from '../errors.js';
import type { BackendAuthConfig } from './server-config.js';

/** Renew this long before expiry (at most), so that a token never expires between check and use. */
const MAX_REFRESH_MARGIN_MS = 30_000;
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

export interface AccessToken {
  value: string;
  /** When to fetch a new one (a little before the token's own expiry); absent when the endpoint gave no lifetime. */
  refreshAt?: number;
}

interface CacheEntry {
  /** Identifies the grant (endpoint, client, secret, scopes): a change of any of them needs a new token. */
  key: string;
  token: Promise<AccessToken>;
}

export class ClientCredentialsTokens {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly redactor: SecretRedactor) {}

  /** A valid token for `server`, from the cache unless it is due for renewal. */
  async token(server: string, auth: BackendAuthConfig, clientSecret: string): Promise<AccessToken> {
    const key = JSON.stringify([auth.token_url, auth.client_id, clientSecret, auth.scopes ?? [], auth.audience ?? null]);
    const cached = this.cache.get(server);
    if (cached?.key === key) {
      const token = await cached.token.catch(() => undefined);
      if (token && (token.refreshAt === undefined || Date.now() < token.refreshAt)) return token;
      if (this.cache.get(server) !== cached) return this.token(server, auth, clientSecret);
    }
    const entry: CacheEntry = { key, token: this.request(server, auth, clientSecret) };
    this.cache.set(server, entry);
    entry.token.catch(() => {
      if (this.cache.get(server) === entry) this.cache.delete(server);
    });
    return entry.token;
  }

  /** Forgets the server's token (the backend refused it), so the next `token` call asks the endpoint again. */
  invalidate(server: string): void {
    this.cache.delete(server);
  }

  private async request(server: string, auth: BackendAuthConfig, clientSecret: string): Promise<AccessToken> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scopes?.length) body.set('scope', auth.scopes.join(' '));
    if (auth.audience) body.set('audience', auth.audience);
    // client_secret_basic: both parts form-encoded first (RFC 6749 §2.3.1).
    const basic = Buffer.from(`${formEncode(auth.client_id!)}:${formEncode(clientSecret)}`).toString('base64');
    const response = await fetch(auth.token_url!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new BackendError(`token endpoint of server "${server}" is unreachable: ${this.redactor.scrubString(describeError(error))}`);
    });
    const payload = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!response.ok || typeof payload.access_token !== 'string' || payload.access_token === '') {
      const reason = typeof payload.error === 'string' ? `, ${this.redactor.scrubString(payload.error)}` : '';
      throw new BackendError(`token endpoint of server "${server}" refused the client-credentials grant (HTTP ${response.status}${reason})`);
    }
    this.redactor.addSecret(payload.access_token);
    const lifetimeMs = typeof payload.expires_in === 'number' && payload.expires_in > 0 ? payload.expires_in * 1000 : undefined;
    if (lifetimeMs === undefined) return { value: payload.access_token };
    return { value: payload.access_token, refreshAt: Date.now() + lifetimeMs - refreshMargin(lifetimeMs) };
  }
}

/** A tenth of the lifetime, at most 30 s: a one-hour token is renewed 30 s early, a 2 s test token 200 ms early. */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10);
}

function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}
