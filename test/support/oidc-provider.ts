/**
 * A real OpenID Connect provider (`oidc-provider`) on loopback that issues Keycloak-shaped JWT access tokens
 * (`realm_access.roles`, `resource_access`, `preferred_username`, `email`, `scope`, `aud`) and serves its JWKS.
 *
 * Tokens come from its real token endpoint: a password grant for test users (as Keycloak's direct access grants)
 * and client credentials for services; the authorization code flow with PKCE and dynamic client registration are on
 * for MCP clients. `rotateKeys()` swaps the signing key without changing the issuer URL; `setJwksAvailable(false)`
 * makes the JWKS endpoint answer 503. `signToken()` hand-crafts tokens (with the provider's key or any other) for
 * refusal tests. Every HTTP request it receives is recorded in `requests`.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload, type KeyObject } from 'jose';
import Provider, { errors, type OidcContext, type StructuredToken } from 'oidc-provider';

export interface TestUser {
  username: string;
  password: string;
  email?: string;
  realmRoles?: string[];
  /** `resource_access.<client>.roles`. */
  clientRoles?: Record<string, string[]>;
}

export interface TestService {
  clientId: string;
  secret: string;
  realmRoles?: string[];
}

export interface OidcProviderOptions {
  /** The `aud` of every access token (Keycloak: the gateway's client id, added by an audience mapper). */
  audience?: string;
  users?: TestUser[];
  services?: TestService[];
  /** Scopes the provider knows besides `openid profile email`. */
  scopes?: string[];
  accessTokenTtlSeconds?: number;
  /** Extra redirect URIs of the public client, for browser apps (e.g. `<gateway>/ui/callback`). */
  redirectUris?: string[];
  /** Where the public client may be sent after logout. */
  postLogoutRedirectUris?: string[];
  /** The development login form accepts any password unless this is set (browser tests log in for real). */
  checkLoginPassword?: boolean;
}

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface TestOidcProvider {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  audience: string;
  /** The public client MCP clients use (PKCE, no secret), as in the realm export. */
  publicClientId: string;
  /** Every request received, in order. */
  requests: Array<{ method: string; path: string }>;
  /** The key tokens are signed with now. */
  currentKey(): SigningKey;
  /** A token from the real token endpoint with the password grant. */
  passwordToken(username: string, password?: string, options?: { scope?: string }): Promise<string>;
  /** A token from the real token endpoint with client credentials. */
  clientCredentialsToken(clientId: string, secret: string, options?: { scope?: string }): Promise<string>;
  /** The claims the provider would issue for `username`, for hand-crafted tokens. */
  claimsFor(username: string, overrides?: JWTPayload): JWTPayload;
  /** Signs `claims` (RS256 with the current key unless told otherwise). */
  signToken(claims: JWTPayload, options?: { alg?: string; kid?: string; key?: CryptoKey | KeyObject | Uint8Array | JWK; typ?: string }): Promise<string>;
  /** A new signing key; the old one stays published only when `keepPrevious`. Issuer and URLs do not change. */
  rotateKeys(options?: { keepPrevious?: boolean }): Promise<SigningKey>;
  /** When false, the JWKS endpoint answers 503 (the rest of the provider keeps working). */
  setJwksAvailable(available: boolean): void;
  stop(): Promise<void>;
}

export const DEFAULT_TEST_USERS: TestUser[] = [
  { username: 'testuser', password: 'testpass', email: 'testuser@example.com', realmRoles: ['mcp-user'] },
  { username: 'admin', password: 'admin123', email: 'admin@example.com', realmRoles: ['mcp-user', 'mcp-admin'] },
];

const PUBLIC_CLIENT = 'mcp-gateway-client';
const DEFAULT_RESOURCE = 'urn:secure-mcp-gateway';

export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  const audience = options.audience ?? 'mcp-gateway';
  const users = options.users ?? DEFAULT_TEST_USERS;
  const services = options.services ?? [{ clientId: 'mcp-service', secret: 'service-secret', realmRoles: ['mcp-user'] }];
  const scopes = ['openid', 'profile', 'email', 'offline_access', ...(options.scopes ?? ['mcp:tools', 'mcp:admin'])];
  const requests: TestOidcProvider['requests'] = [];
  let jwksAvailable = true;
  let keys: SigningKey[] = [await newSigningKey()];
  let provider: Provider | undefined;

  const http: HttpServer = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ method: req.method ?? '', path });
    if (path === '/jwks' && !jwksAvailable) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
      return;
    }
    if (options.checkLoginPassword && req.method === 'POST' && /^\/interaction\/[^/]+$/.test(path)) {
      void checkLoginForm(req, res, userNamed).then((ok) => ok && provider!.callback()(req, res));
      return;
    }
    provider!.callback()(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const userNamed = (username: string) => users.find((user) => user.username === username);
  const claimsOf = (subject: string, clientId: string): Record<string, unknown> => {
    const user = userNamed(subject);
    if (user) {
      return {
        typ: 'Bearer', azp: clientId, preferred_username: user.username, email: user.email, email_verified: true,
        realm_access: { roles: user.realmRoles ?? [] }, resource_access: Object.fromEntries(Object.entries(user.clientRoles ?? {}).map(([client, roles]) => [client, { roles }])),
      };
    }
    const service = services.find((candidate) => candidate.clientId === clientId);
    return { typ: 'Bearer', azp: clientId, preferred_username: `service-account-${clientId}`, realm_access: { roles: service?.realmRoles ?? [] } };
  };

  const build = () => {
    const next = new Provider(issuer, {
      clients: [
        { client_id: PUBLIC_CLIENT, token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token', 'password'], response_types: ['code'], redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback', ...(options.redirectUris ?? [])], post_logout_redirect_uris: options.postLogoutRedirectUris ?? [] },
        ...services.map((service) => ({ client_id: service.clientId, client_secret: service.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] })),
      ],
      jwks: { keys: keys.map((key) => key.privateJwk) },
      scopes,
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'] },
      findAccount: (_ctx: unknown, sub: string) => (userNamed(sub) ? { accountId: sub, claims: () => ({ sub, preferred_username: sub, email: userNamed(sub)!.email }) } : undefined),
      pkce: { required: () => true },
      ttl: { AccessToken: options.accessTokenTtlSeconds ?? 300, ClientCredentials: options.accessTokenTtlSeconds ?? 300, Interaction: 600, Session: 3600, Grant: 3600 },
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        registration: { enabled: true },
        resourceIndicators: {
          enabled: true,
          // Resource indicators are URIs; Keycloak-style audiences are client ids, so the audience is set apart.
          defaultResource: () => DEFAULT_RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: scopes.filter((scope) => scope.includes(':')).join(' '), audience, accessTokenFormat: 'jwt', accessTokenTTL: options.accessTokenTtlSeconds ?? 300, jwt: { sign: { alg: 'RS256' } } }),
        },
      },
      formats: {
        customizers: {
          jwt: (_ctx: unknown, token: { accountId?: string; clientId: string }, structured: StructuredToken) => {
            Object.assign(structured.payload, claimsOf(token.accountId ?? '', token.clientId));
          },
        },
      },
    });
    next.registerGrantType('password', (ctx) => passwordGrant(next, ctx), ['username', 'password', 'scope']);
    return next;
  };

  /** Keycloak's direct access grant; oidc-provider has none built in, so the tests register it. */
  const passwordGrant = async (owner: Provider, ctx: OidcContext) => {
    const { username = '', password, scope = '' } = ctx.oidc.params;
    const user = userNamed(username);
    if (!user || user.password !== password) throw new errors.InvalidGrant('invalid user credentials');
    const granted = scope.split(' ').filter((item) => scopes.includes(item)).join(' ');
    const token = new owner.AccessToken({ accountId: user.username, client: ctx.oidc.client, scope: granted || undefined, gty: 'password' });
    token.resourceServer = new owner.ResourceServer(audience, { audience, scope: granted, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } });
    ctx.body = { access_token: await token.save(), token_type: 'Bearer', expires_in: token.expiration, scope: granted };
  };

  provider = build();

  const tokenRequest = async (form: Record<string, string>, basic?: string) => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}) },
      body: new URLSearchParams(form),
    });
    const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!response.ok || !body.access_token) throw new Error(`token request failed (${response.status}): ${body.error} ${body.error_description ?? ''}`);
    return body.access_token;
  };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    audience,
    publicClientId: PUBLIC_CLIENT,
    requests,
    currentKey: () => keys[0]!,
    passwordToken: (username, password, tokenOptions = {}) =>
      tokenRequest({ grant_type: 'password', client_id: PUBLIC_CLIENT, username, password: password ?? userNamed(username)?.password ?? '', scope: tokenOptions.scope ?? 'openid mcp:tools' }),
    clientCredentialsToken: (clientId, secret, tokenOptions = {}) =>
      tokenRequest({ grant_type: 'client_credentials', scope: tokenOptions.scope ?? 'mcp:tools', resource: DEFAULT_RESOURCE }, `${clientId}:${secret}`),
    claimsFor: (username, overrides = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return { iss: issuer, aud: audience, sub: username, iat: now, exp: now + 300, jti: crypto.randomUUID(), scope: 'openid mcp:tools', client_id: PUBLIC_CLIENT, ...claimsOf(username, PUBLIC_CLIENT), ...overrides };
    },
    signToken: async (claims, signOptions = {}) => {
      const key = signOptions.key ?? keys[0]!.privateJwk;
      const alg = signOptions.alg ?? 'RS256';
      return new SignJWT(claims).setProtectedHeader({ alg, typ: signOptions.typ ?? 'at+jwt', kid: signOptions.kid ?? keys[0]!.kid }).sign(key);
    },
    rotateKeys: async (rotateOptions = {}) => {
      const key = await newSigningKey();
      keys = rotateOptions.keepPrevious ? [key, ...keys] : [key];
      provider = build();
      return key;
    },
    setJwksAvailable: (available) => {
      jwksAvailable = available;
    },
    stop: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/**
 * The development login form asks for a password but does not check it; this does, as Keycloak would, so browser
 * tests log in with real credentials (option `checkLoginPassword`). The parsed form is handed on as `req.body`,
 * which oidc-provider reads instead of the consumed stream.
 */
async function checkLoginForm(req: IncomingMessage & { body?: unknown }, res: ServerResponse, userNamed: (name: string) => TestUser | undefined): Promise<boolean> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  req.body = form;
  if (form['prompt'] !== 'login' || userNamed(form['login'] ?? '')?.password === form['password']) return true;
  res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Sign-in failed</title><p role="alert">Invalid username or password.</p>');
  return false;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = crypto.randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateJwk, publicJwk };
}
