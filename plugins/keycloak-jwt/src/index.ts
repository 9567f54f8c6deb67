/**
 * keycloak-jwt: authenticates callers with OAuth 2.0 / OpenID Connect access tokens (Keycloak by default), verified
 * against the issuer's published keys, and makes the gateway an OAuth protected resource MCP clients can log in to.
 */
import { AuthChallengeToken, AuthenticationError, definePlugin, InsufficientScopeError } from '@secure-mcp-gateway/core';
import { bearerToken } from './bearer-token.js';
import { KeySource } from './key-source.js';
import { optionsSchema, resolveOptions, type KeycloakJwtOptions } from './options.js';
import { principalFromClaims } from './principal-mapping.js';
import { METADATA_PATH, resourceMetadataRouter } from './resource-metadata.js';
import { TokenVerifier } from './token-verifier.js';

export type { KeycloakJwtOptions } from './options.js';

export const keycloakJwt = definePlugin<KeycloakJwtOptions>({
  name: 'keycloak-jwt',
  optionsSchema,
  setup(context) {
    const options = resolveOptions(context.options);
    const keys = new KeySource(options.issuer, options.jwks, options.jwksUri);
    const verifier = new TokenVerifier(options, keys);
    const publicUrl = context.gateway.publicUrl;
    context.logger.info(`tokens of ${options.issuer} for audience ${options.audiences.join(', ')}${options.requiredScopes.length ? ` with scope ${options.requiredScopes.join(' ')}` : ''}`);

    context.hooks.authenticate(async (request) => {
      const token = bearerToken(request);
      if (token === undefined) {
        if (request.headers['authorization'] !== undefined && /^Bearer\b/i.test(String(request.headers['authorization']))) {
          throw new AuthenticationError('malformed Authorization header: expected "Bearer <token>"');
        }
        return undefined;
      }
      const principal = principalFromClaims(await verifier.verify(token), options.claims, context.name);
      const missing = options.requiredScopes.filter((scope) => !principal.scopes.includes(scope));
      if (missing.length) throw new InsufficientScopeError(`the token lacks the required scope ${missing.join(' ')}`, options.requiredScopes);
      return principal;
    });

    if (options.resourceMetadata.enabled) {
      context.addRoutes(resourceMetadataRouter(publicUrl, options, context.backends), { auth: 'none' });
      context.services.provide(AuthChallengeToken, {
        parameters: () => ({
          resource_metadata: `${publicUrl}${METADATA_PATH}`,
          ...(options.requiredScopes.length ? { scope: options.requiredScopes.join(' ') } : {}),
        }),
      });
    }

    context.reportHealth(() =>
      keys.failure ? { status: 'degraded', detail: keys.failure } : { status: 'ok', detail: keys.ready ? `keys of ${options.issuer}` : `issuer ${options.issuer} not contacted yet` },
    );
    // Discover early so the first caller does not wait, but never hold start-up hostage to the identity provider.
    context.onStart(() => {
      keys.keys().catch((error: unknown) => context.logger.warn(`identity provider not reachable yet: ${error instanceof Error ? error.message : String(error)}`));
    });
  },
});

export default keycloakJwt;
