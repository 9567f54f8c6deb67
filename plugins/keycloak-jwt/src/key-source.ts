/**
 * The issuer's signing keys: `jwks_uri` discovered once from `<issuer>/.well-known/openid-configuration` (unless
 * configured), then one jose remote key set that caches the keys and refetches on an unknown `kid`, at most once
 * per cooldown. Keys are never fetched per request. When the keys cannot be fetched the caller gets 503, never a pass.
 */
import { createRemoteJWKSet, errors, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import { ServiceUnavailableError, describeError, redactUrlsIn } from '@secure-mcp-gateway/core';
import type { JwksSettings } from './options.js';

type KeyGetter = ReturnType<typeof createRemoteJWKSet>;

/** After a failed discovery, requests within this window get the same 503 instead of another fetch. */
const DISCOVERY_RETRY_MS = 2_000;

export class KeySource {
  private keySet?: KeyGetter;
  private discovery?: Promise<KeyGetter>;
  private lastFailure?: { at: number; error: ServiceUnavailableError };

  constructor(
    private readonly issuer: string,
    private readonly settings: JwksSettings,
    private readonly jwksUri?: string,
  ) {}

  /** The jose key resolver for `jwtVerify`; JWKS outages become ServiceUnavailableError (503). */
  readonly getKey = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    const keySet = await this.keys();
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
      // The message reaches callers and the audit trail: a password in the JWKS URL must not.
      throw new ServiceUnavailableError(`the identity provider's signing keys cannot be fetched (${redactUrlsIn(describeError(error))}); try again later`, { cause: error });
    }
  };

  /** For health checks: whether the key set URL is known yet. */
  get ready(): boolean {
    return this.keySet !== undefined;
  }

  get failure(): string | undefined {
    return this.lastFailure?.error.message;
  }

  async keys(): Promise<KeyGetter> {
    if (this.keySet) return this.keySet;
    if (this.lastFailure && Date.now() - this.lastFailure.at < DISCOVERY_RETRY_MS) throw this.lastFailure.error;
    this.discovery ??= this.discover().then(
      (keySet) => {
        this.keySet = keySet;
        this.lastFailure = undefined;
        return keySet;
      },
      (error: unknown) => {
        this.discovery = undefined;
        const failure = new ServiceUnavailableError(redactUrlsIn(`the identity provider at ${this.issuer} cannot be reached (${describeError(error)}); try again later`), { cause: error });
        this.lastFailure = { at: Date.now(), error: failure };
        throw failure;
      },
    );
    return this.discovery;
  }

  private async discover(): Promise<KeyGetter> {
    const uri = this.jwksUri ?? (await this.discoverJwksUri());
    return createRemoteJWKSet(new URL(uri), {
      cacheMaxAge: this.settings.cacheMaxAgeSeconds * 1000,
      cooldownDuration: this.settings.cooldownSeconds * 1000,
      timeoutDuration: this.settings.timeoutSeconds * 1000,
    });
  }

  /** OpenID Connect Discovery: the document must name the configured issuer exactly (OIDC Discovery §4.3). */
  private async discoverJwksUri(): Promise<string> {
    const url = `${this.issuer}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(this.settings.timeoutSeconds * 1000), redirect: 'error' });
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== this.issuer) throw new Error(`${url} names issuer ${JSON.stringify(document.issuer)}, not ${this.issuer}`);
    if (typeof document.jwks_uri !== 'string' || !/^https?:\/\//.test(document.jwks_uri)) throw new Error(`${url} has no valid jwks_uri`);
    return document.jwks_uri;
  }
}
