/**
 * Verifies one access token: signature by the issuer's published key, `alg` in the allow-list (never `none`, never
 * HMAC), `iss` exact, `aud` naming the gateway, `exp`/`nbf`/`iat` within the clock tolerance, header `typ` when
 * configured, and Keycloak's `typ` claim (an ID or refresh token is not an access token).
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthenticationError, isGatewayError } from '@secure-mcp-gateway/core';
import type { KeySource } from './key-source.js';
import type { ResolvedOptions } from './options.js';

/** The 3-part compact JWS shape; anything else is refused before any key is looked at. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export class TokenVerifier {
  constructor(
    private readonly options: ResolvedOptions,
    private readonly keys: KeySource,
  ) {}

  async verify(token: string): Promise<JWTPayload> {
    if (!COMPACT_JWS.test(token)) throw new AuthenticationError('malformed token: expected a signed JWT (header.payload.signature)');
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.keys.getKey, {
        issuer: this.options.issuer,
        audience: this.options.audiences,
        algorithms: this.options.algorithms,
        clockTolerance: this.options.clockTolerance,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      this.checkHeaderType(protectedHeader.typ);
      this.checkIssuedAt(payload);
      this.checkTokenKind(payload);
      return payload;
    } catch (error) {
      if (isGatewayError(error)) throw error;
      throw new AuthenticationError(describeRefusal(error), { cause: error });
    }
  }

  /** Media types compare case-insensitively and without the `application/` prefix (RFC 7515 §4.1.9). */
  private checkHeaderType(typ: string | undefined): void {
    if (!this.options.tokenTypes) return;
    const normalize = (value: string) => value.toLowerCase().replace(/^application\//, '');
    if (!typ || !this.options.tokenTypes.some((allowed) => normalize(allowed) === normalize(typ))) {
      throw new AuthenticationError(`token rejected: header "typ" must be one of ${this.options.tokenTypes.join(', ')}`);
    }
  }

  /** jose checks `iat` only against a maximum age; a token issued in the future is refused here. */
  private checkIssuedAt(payload: JWTPayload): void {
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + this.options.clockTolerance) {
      throw new AuthenticationError('token rejected: issued in the future ("iat")');
    }
  }

  private checkTokenKind(payload: JWTPayload): void {
    const kind = payload['typ'];
    if (kind !== undefined && String(kind).toLowerCase() !== 'bearer') {
      throw new AuthenticationError(`token rejected: a "${String(kind)}" token is not an access token`);
    }
  }
}

/** A message a person understands, without echoing token contents beyond the failed claim's name. */
function describeRefusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token not yet valid ("nbf" is in the future)';
    if (error.claim === 'iss') return 'token rejected: wrong issuer';
    if (error.claim === 'aud') return 'token rejected: not issued for this gateway (audience)';
    return `token rejected: invalid "${error.claim}" claim (${error.reason})`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token rejected: signing algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'token rejected: signed with a key the issuer does not publish (unknown "kid")';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token rejected: invalid signature';
  if (error instanceof errors.JOSENotSupported) return 'token rejected: unsupported token or key type';
  return 'malformed token';
}
