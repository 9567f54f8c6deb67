/**
 * The gateway as an OAuth protected resource: real tokens from a real OpenID provider, hand-crafted bad ones, and
 * every refusal with the right status, challenge and no backend call.
 */
import { expect } from 'chai';
import { exportSPKI, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import { z } from 'zod';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { freePort, startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };

describe('identity: authentication with keycloak-jwt', function () {
  let oidc: TestOidcProvider;
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let audit: AuditCollector;

  before(async function () {
    oidc = await startOidcProvider();
    backend = await startHttpBackend((server) => {
      server.registerTool('echo', { description: 'echoes', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
    });
    audit = auditCollector();
    const port = await freePort();
    gateway = await startGateway({
      server: { port, publicUrl: `http://127.0.0.1:${port}` },
      servers: { api: { type: 'http', url: backend.url } },
      plugins: [keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway', requiredScopes: ['mcp:tools'], jwks: { cooldownSeconds: 0 } }), audit.plugin],
    });
  });

  after(async function () {
    await gateway?.stop();
    await backend?.stop();
    await oidc?.stop();
  });

  const toolCalls = () => backend.requests.filter((request) => (request.body as { method?: string } | undefined)?.method === 'tools/call').length;
  const invoke = (token?: string) => httpJson(`${gateway.url}/mcp/invoke?mcp_server=api`, { body: { tool_name: 'echo', parameters: { text: 'hi' } }, ...(token === undefined ? {} : { token }) });

  /** REST and /mcp both refuse, with the status, challenge and body each should carry, and the backend sees nothing. */
  async function expectRefused(token: string | undefined, status: number, error?: string) {
    const before = toolCalls();
    const rest = await invoke(token);
    expect(rest.status, JSON.stringify(rest.body)).to.equal(status);
    const challenge = rest.headers.get('www-authenticate') ?? '';
    if (status === 401 || error === 'insufficient_scope') {
      expect(challenge).to.match(/^Bearer /);
      expect(challenge).to.include(`resource_metadata="${gateway.url}/.well-known/oauth-protected-resource"`);
      if (error) expect(challenge).to.include(`error="${error}"`);
    }
    if (error) expect(rest.body.error).to.equal(error);
    const mcp = await httpJson(gateway.mcpUrl, { body: INITIALIZE, ...(token === undefined ? {} : { token }), headers: { accept: 'application/json, text/event-stream' } });
    expect(mcp.status).to.equal(status);
    expect(mcp.body.jsonrpc).to.equal('2.0');
    expect(mcp.body.error.code).to.be.a('number');
    expect(mcp.body.error.message).to.be.a('string').and.not.empty;
    expect(toolCalls()).to.equal(before);
    return rest;
  }

  it('accepts a real token from the provider over REST and MCP, and never forwards it to the backend', async function () {
    const token = await oidc.passwordToken('testuser');
    const before = toolCalls();
    const rest = await invoke(token);
    expect(rest.status).to.equal(200);
    expect(rest.body.success).to.equal(true);
    const client = await connectClient(gateway.mcpUrl, { token });
    try {
      const result = await client.callTool({ name: 'api__echo', arguments: { text: 'via mcp' } });
      expect(result.content).to.deep.equal([{ type: 'text', text: 'via mcp' }]);
    } finally {
      await client.close();
    }
    expect(toolCalls()).to.equal(before + 2);
    const forwarded = backend.requests.filter((request) => JSON.stringify(request.headers).includes(token));
    expect(forwarded, 'the client token reached the backend').to.be.empty;
  });

  it('publishes protected resource metadata (RFC 9728) for the gateway, /mcp and each server endpoint', async function () {
    const root = await httpJson(`${gateway.url}/.well-known/oauth-protected-resource`);
    expect(root.status).to.equal(200);
    expect(root.body).to.deep.include({ resource: gateway.url, authorization_servers: [oidc.issuer], scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'] });
    const mcp = await httpJson(`${gateway.url}/.well-known/oauth-protected-resource/mcp`);
    expect(mcp.body.resource).to.equal(`${gateway.url}/mcp`);
    const server = await httpJson(`${gateway.url}/.well-known/oauth-protected-resource/servers/api/mcp`);
    expect(server.body.resource).to.equal(`${gateway.url}/servers/api/mcp`);
    const unknown = await httpJson(`${gateway.url}/.well-known/oauth-protected-resource/servers/nope/mcp`);
    expect(unknown.status).to.equal(401); // not public: falls through to the authenticated routes
  });

  it('refuses a request without a token: 401 with a challenge but no error code', async function () {
    await expectRefused(undefined, 401);
    const rest = await invoke();
    expect(rest.headers.get('www-authenticate')).not.to.include('error=');
  });

  it('refuses a malformed token and a malformed Authorization header', async function () {
    await expectRefused('not-a-jwt', 401, 'invalid_token');
    const header = await httpJson(`${gateway.url}/mcp/servers`, { headers: { authorization: 'Bearer' } });
    expect(header.status).to.equal(401);
  });

  it('refuses alg "none"', async function () {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(oidc.claimsFor('admin'))}.`;
    await expectRefused(unsigned, 401, 'invalid_token');
    await expectRefused(`${unsigned}AAAA`, 401, 'invalid_token');
  });

  it('refuses HS256 signed with the issuer public key as the secret', async function () {
    const publicKey = await importJWK(oidc.currentKey().publicJwk, 'RS256');
    const secret = new TextEncoder().encode(await exportSPKI(publicKey as CryptoKey));
    const forged = await oidc.signToken(oidc.claimsFor('admin'), { alg: 'HS256', key: secret });
    const rest = await expectRefused(forged, 401, 'invalid_token');
    expect(rest.body.message).to.match(/algorithm not allowed/);
  });

  it('refuses a token signed by another key under the published kid', async function () {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await oidc.signToken(oidc.claimsFor('admin'), { key: privateKey });
    const rest = await expectRefused(forged, 401, 'invalid_token');
    expect(rest.body.message).to.match(/invalid signature/);
  });

  it('refuses expired, not-yet-valid, wrong-issuer and wrong-audience tokens', async function () {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ iat: now - 7200, exp: now - 3600 }, /expired/],
      [{ nbf: now + 3600 }, /not yet valid/],
      [{ iss: 'http://127.0.0.1:1/realms/other' }, /wrong issuer/],
      [{ aud: 'some-other-service' }, /audience/],
      [{ iat: now + 3600, exp: now + 7200 }, /issued in the future/],
      [{ typ: 'ID' }, /not an access token/],
    ];
    for (const [overrides, message] of cases) {
      const rest = await expectRefused(await oidc.signToken(oidc.claimsFor('testuser', overrides)), 401, 'invalid_token');
      expect(rest.body.message).to.match(message);
    }
  });

  it('refuses a valid token without the required scope with 403 insufficient_scope', async function () {
    const token = await oidc.passwordToken('testuser', undefined, { scope: 'openid email' });
    const rest = await expectRefused(token, 403, 'insufficient_scope');
    expect(rest.headers.get('www-authenticate')).to.include('scope="mcp:tools"');
  });

  it('accepts a rotated key without restart and refuses tokens of the removed key (unknown kid)', async function () {
    const oldToken = await oidc.passwordToken('testuser');
    expect((await invoke(oldToken)).status).to.equal(200);
    await oidc.rotateKeys({ keepPrevious: false });
    const newToken = await oidc.passwordToken('testuser');
    expect((await invoke(newToken)).status).to.equal(200);
    const rest = await expectRefused(oldToken, 401, 'invalid_token');
    expect(rest.body.message).to.match(/unknown "kid"/);
  });

  it('answers 503 when the keys for a new kid cannot be fetched, and recovers when the JWKS is back', async function () {
    await oidc.rotateKeys({ keepPrevious: false });
    oidc.setJwksAvailable(false);
    try {
      const token = await oidc.passwordToken('testuser');
      const rest = await expectRefused(token, 503, 'service_unavailable');
      expect(rest.body.message).to.match(/signing keys cannot be fetched/);
      oidc.setJwksAvailable(true);
      expect((await invoke(token)).status).to.equal(200);
    } finally {
      oidc.setJwksAvailable(true);
    }
  });

  it('records every refusal as an auth_failure audit event without the token', async function () {
    const forged = await oidc.signToken(oidc.claimsFor('admin', { aud: 'elsewhere' }));
    await invoke(forged);
    await gateway.gateway.flushAudit();
    const failures = audit.events.filter((event) => event.event_type === 'auth_failure');
    expect(failures.length).to.be.greaterThan(10);
    expect(failures.at(-1)).to.deep.include({ outcome: 'denied', channel: 'rest' });
    expect(JSON.stringify(audit.events)).not.to.include(forged);
  });
});

describe('identity: identity provider down', function () {
  it('answers 503 with a clear message when the issuer cannot be reached, never a pass', async function () {
    const oidc = await startOidcProvider();
    const token = await oidc.passwordToken('testuser');
    const issuer = oidc.issuer;
    await oidc.stop();
    const gateway = await startGateway({ servers: {}, plugins: [keycloakJwt({ issuer, audience: 'mcp-gateway' })] });
    try {
      const rest = await httpJson(`${gateway.url}/mcp/servers`, { token });
      expect(rest.status).to.equal(503);
      expect(rest.body.error).to.equal('service_unavailable');
      expect(rest.body.message).to.include(issuer);
      const health = await httpJson(`${gateway.url}/health`);
      expect(JSON.stringify(health.body)).to.include('cannot be reached');
    } finally {
      await gateway.stop();
    }
  });
});
