/**
 * Secrets an operator writes into a backend URL (`http://user:pass@host/mcp?api_key=…`) are used to reach the backend
 * but never shown: not in the server listings, the admin API's answers, errors, logs or audit events.
 */
import { expect } from 'chai';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { httpJson } from './support/client.js';
import { freePort, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';
import { watchForSecretLeaks } from './support/secret-leak-watch.js';
import { waitFor } from './support/wait.js';

function echo(server: McpServer) {
  server.registerTool('echo', {}, async () => ({ content: [{ type: 'text', text: 'ok' }] }));
}

/** `base` with credentials in its userinfo and query string. */
function withUrlSecrets(base: string, user: string, password: string, apiKey: string): string {
  const url = new URL(base);
  url.username = user;
  url.password = password;
  url.searchParams.set('api_key', apiKey);
  return url.toString();
}

describe('security: secrets in backend URLs', function () {
  const watch = watchForSecretLeaks();
  const urlUser = watch.secret('svc-account-7f3a');
  const urlPassword = watch.secret('url-password-91c2d');
  const queryKey = watch.secret('query-api-key-5e8b0');
  let oidc: TestOidcProvider;
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let admin: string;

  before(async function () {
    oidc = await startOidcProvider();
    backend = await startHttpBackend(echo);
    const downPort = await freePort();
    gateway = await watch.startGateway({
      servers: {
        up: { type: 'http', url: withUrlSecrets(backend.url, urlUser, urlPassword, queryKey) },
        down: { type: 'http', url: withUrlSecrets(`http://127.0.0.1:${downPort}/mcp`, urlUser, urlPassword, queryKey), timeout: 2 },
      },
      plugins: [keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' })],
    });
    admin = await oidc.passwordToken('admin');
    await waitFor(async () => Boolean((await httpJson(`${gateway.url}/mcp/servers`, { token: admin })).body.servers.find((s: { name: string }) => s.name === 'down')?.last_error), 'the down backend to report its error');
  });

  after(async function () {
    await gateway?.stop();
    await backend?.stop();
    await oidc?.stop();
    watch.stop();
  });

  it('still reaches the backend with the URL credentials', async function () {
    const call = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=up`, { token: admin, body: { tool_name: 'echo' } });
    expect(call.status).to.equal(200);
    const sent = backend.requests.at(-1)!;
    expect(sent.url).to.include('api_key=');
    expect(sent.headers.authorization).to.match(/^Basic /);
  });

  it('shows the URLs with userinfo and query values redacted in listings, info and /config', async function () {
    const servers = await httpJson(`${gateway.url}/mcp/servers`, { token: admin });
    const info = await httpJson(`${gateway.url}/mcp/server/up/info`, { token: admin });
    const config = await httpJson(`${gateway.url}/config`, { token: admin });
    for (const answer of [servers, info, config]) watch.record(answer.body);
    const up = servers.body.servers.find((server: { name: string }) => server.name === 'up');
    expect(up.url).to.equal(`http://[REDACTED]@127.0.0.1:${backend.port}/mcp?api_key=[REDACTED]`);
    expect(info.body.url).to.equal(up.url);
    expect(watch.leaksOf()).to.deep.equal([]);
  });

  it('keeps them out of errors, logs and audit events of a backend that is down', async function () {
    const call = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=down`, { token: admin, body: { tool_name: 'echo' } });
    watch.record(call.body);
    expect(call.status).to.be.at.least(500);
    expect(watch.counts().logLines).to.be.greaterThan(0);
    expect(watch.leaksOf()).to.deep.equal([]);
  });
});

describe('security: secrets in the identity provider\'s JWKS URL', function () {
  const watch = watchForSecretLeaks();
  const jwksPassword = watch.secret('jwks-password-0c7e4');
  let oidc: TestOidcProvider;
  let gateway: RunningGateway;

  before(async function () {
    oidc = await startOidcProvider();
    const jwksUri = new URL(oidc.jwksUri);
    jwksUri.username = 'gateway';
    jwksUri.password = jwksPassword;
    gateway = await watch.startGateway({ servers: {}, plugins: [keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway', jwksUri: jwksUri.toString() })] });
  });

  after(async function () {
    await gateway?.stop();
    await oidc?.stop();
    watch.stop();
  });

  it('keeps the URL password out of the error a caller gets when the keys cannot be fetched, and out of logs', async function () {
    const answer = await httpJson(`${gateway.url}/mcp/servers`, { token: await oidc.passwordToken('testuser') });
    const health = await httpJson(`${gateway.url}/health`);
    watch.record(answer.body);
    watch.record(health.body);
    // Node's fetch refuses URLs with credentials, and quotes the whole URL in its error.
    expect(answer.status).to.equal(503);
    expect(answer.body.message).to.include('[REDACTED]@127.0.0.1');
    expect(watch.leaksOf()).to.deep.equal([]);
  });
});
