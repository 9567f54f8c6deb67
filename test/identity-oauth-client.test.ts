/**
 * The MCP SDK client's own OAuth flow against the gateway: it reads the challenge of the gateway's 401, fetches the
 * protected resource metadata, reaches the authorization server named there (discovery, dynamic registration,
 * PKCE), and — after the user logs in at the provider — connects with the token it obtained.
 */
import { expect } from 'chai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { z } from 'zod';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { freePort, startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

const REDIRECT_URL = 'http://127.0.0.1/callback';

/** What an MCP client application keeps: its registration, the PKCE verifier, the tokens, where it sent the user. */
class RecordingProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  authorizationUrl?: URL;
  readonly redirectUrl = REDIRECT_URL;
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: 'identity test client',
    redirect_uris: [REDIRECT_URL],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  clientInformation() { return this.info; }
  saveClientInformation(info: OAuthClientInformationMixed) { this.info = info; }
  tokens() { return this.saved; }
  saveTokens(tokens: OAuthTokens) { this.saved = tokens; }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier: string) { this.verifier = verifier; }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

describe('identity: MCP SDK OAuth flow against the gateway', function () {
  let oidc: TestOidcProvider;
  let backend: HttpBackend;
  let gateway: RunningGateway;

  before(async function () {
    oidc = await startOidcProvider();
    backend = await startHttpBackend((server) => {
      server.registerTool('whoami', { inputSchema: { x: z.string().optional() } }, async () => ({ content: [{ type: 'text', text: 'ok' }] }));
    });
    const port = await freePort();
    gateway = await startGateway({
      server: { port, publicUrl: `http://127.0.0.1:${port}` },
      servers: { api: { type: 'http', url: backend.url } },
      plugins: [keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway', requiredScopes: ['mcp:tools'], resourceMetadata: { scopesSupported: ['openid', 'mcp:tools'] } })],
    });
  });

  after(async function () {
    await gateway?.stop();
    await backend?.stop();
    await oidc?.stop();
  });

  it('discovers the authorization server from the 401, registers, and sends the user there with PKCE', async function () {
    const provider = new RecordingProvider();
    const client = new Client({ name: 'oauth-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { authProvider: provider });
    const error = await client.connect(transport).then(() => undefined, (caught: unknown) => caught as Error);
    expect(error, String(error)).to.be.instanceOf(UnauthorizedError);

    const seen = oidc.requests.map((request) => `${request.method} ${request.path}`);
    expect(seen.some((line) => /^GET \/\.well-known\/(openid-configuration|oauth-authorization-server)$/.test(line)), seen.join(', ')).to.equal(true);
    expect(seen).to.include('POST /reg');
    const url = provider.authorizationUrl!;
    expect(`${url.origin}${url.pathname}`).to.equal(`${oidc.issuer}/auth`);
    expect(url.searchParams.get('client_id')).to.equal(provider.info?.client_id);
    expect(url.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(url.searchParams.get('resource')).to.equal(gateway.url);
    expect(url.searchParams.get('scope')).to.include('mcp:tools');

    const code = await logIn(url, 'testuser');
    await transport.finishAuth(code);
    expect(provider.saved?.access_token).to.be.a('string');

    const connected = new Client({ name: 'oauth-test', version: '1.0.0' });
    await connected.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { authProvider: provider }));
    try {
      const tools = await connected.listTools();
      expect(tools.tools.map((tool) => tool.name)).to.deep.equal(['api__whoami']);
    } finally {
      await connected.close();
    }
  });
});

/**
 * The user's part, done as a browser would against oidc-provider's development login and consent pages (bounded
 * to a few redirects): returns the authorization code sent to the redirect URI.
 */
async function logIn(authorizationUrl: URL, login: string): Promise<string> {
  const cookies = new Map<string, string>();
  const request = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!.trim(), value.join('='));
    }
    return response;
  };
  let next = authorizationUrl.href;
  for (let step = 0; step < 12; step += 1) {
    const response = await request(next);
    const location = response.headers.get('location');
    if (location) {
      const target = new URL(location, next);
      if (target.href.startsWith(REDIRECT_URL)) {
        const code = target.searchParams.get('code');
        if (!code) throw new Error(`authorization failed: ${target.search}`);
        return code;
      }
      next = target.href;
      continue;
    }
    const html = await response.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`unexpected page at ${next}: ${html.slice(0, 200)}`);
    const form = html.includes('name="login"') ? new URLSearchParams({ prompt: 'login', login, password: 'x' }) : new URLSearchParams({ prompt: 'consent' });
    const posted = await request(new URL(action, next).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    next = new URL(posted.headers.get('location') ?? action, next).href;
  }
  throw new Error('login did not finish within 12 steps');
}
