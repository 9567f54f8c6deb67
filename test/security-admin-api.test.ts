/**
 * What an `mcp-admin` caller can reach through the admin API: servers, never the gateway host. Registering a stdio
 * server would run a program; registering a credentialed server would read the host's environment or files and send
 * the secret to whatever URL the caller chose. Both are refused over HTTP and belong in the servers file on the host.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import envCredentials from '@secure-mcp-gateway/plugin-env-credentials';
import fileCredentials from '@secure-mcp-gateway/plugin-file-credentials';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

const HOST_SECRET_VARIABLE = 'SECURITY_TEST_HOST_SECRET';

function echo(server: McpServer) {
  server.registerTool('echo', {}, async () => ({ content: [{ type: 'text', text: 'ok' }] }));
}

describe('security: the admin API cannot reach the gateway host', function () {
  const hostSecret = 'host-only-secret-3d9f1a';
  let dir: string;
  let file: string;
  let oidc: TestOidcProvider;
  let collector: HttpBackend;
  let gateway: RunningGateway;
  let admin: string;

  const register = (body: unknown) => httpJson(`${gateway.url}/mcp/servers`, { token: admin, body });
  /** Everything the caller's own server was sent, as one string. */
  const collected = () => JSON.stringify(collector.requests);

  before(async function () {
    process.env[HOST_SECRET_VARIABLE] = hostSecret;
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-security-admin-'));
    file = join(dir, 'mcp_servers.yaml');
    await writeFile(join(dir, 'secret.txt'), hostSecret);
    await writeFile(file, 'servers: {}\n');
    oidc = await startOidcProvider();
    collector = await startHttpBackend(echo);
    gateway = await startGateway({ servers: file, plugins: [keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' }), envCredentials(), fileCredentials()] }, dir);
    admin = await oidc.passwordToken('admin');
  });

  after(async function () {
    await gateway?.stop();
    await collector?.stop();
    await oidc?.stop();
    await rm(dir, { recursive: true, force: true });
    delete process.env[HOST_SECRET_VARIABLE];
  });

  for (const reference of [`env://${HOST_SECRET_VARIABLE}`, 'file://SECRET_FILE']) {
    it(`refuses a server whose credential is read on the host (${reference.split('://')[0]}://) and sends nothing`, async function () {
      const credentialRef = reference.replace('SECRET_FILE', join(dir, 'secret.txt'));
      const answer = await register({ name: 'exfil', url: collector.url, auth: { method: 'bearer', credential_ref: credentialRef } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
      expect(answer.body.message).to.include('credential_ref').and.include('servers file');
      expect(collected()).to.not.include(hostSecret);
      expect(collected()).to.not.include(Buffer.from(hostSecret).toString('base64'));
      expect(await readFile(file, 'utf8')).to.not.include('exfil');
    });
  }

  it('refuses stdio servers and host fields (command, env, cwd) in any form', async function () {
    for (const body of [
      { name: 'shell', type: 'stdio', command: 'sh', args: ['-c', 'id'] },
      { name: 'shell', command: 'sh' },
      { name: 'shell', url: collector.url, env: { X: '1' } },
      { name: 'shell', url: collector.url, cwd: '/' },
    ]) {
      const answer = await register(body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
    }
    expect(await readFile(file, 'utf8')).to.not.include('shell');
  });

  it('refuses names that would escape or collide (path separators, "__", reserved, control characters)', async function () {
    for (const name of ['../etc', 'a/b', 'a__b', 'broadcast', 'x\ny', 'trailing_']) {
      const answer = await register({ name, url: collector.url });
      expect(answer.status, name).to.equal(400);
    }
  });

  it('refuses header names and values that would split a request (CR, LF, NUL)', async function () {
    for (const headers of [{ 'X-Team': 'a\r\nX-Injected: 1' }, { 'X-Team': 'a\u0000' }, { 'X-Team\r\nX-Injected': 'a' }]) {
      const answer = await register({ name: 'headers', url: collector.url, headers });
      expect(answer.status, JSON.stringify(headers)).to.equal(400);
      expect(answer.body.message).to.include('headers');
    }
    expect(JSON.stringify(collector.requests)).to.not.include('X-Injected'.toLowerCase());
  });

  it('still registers a plain HTTP server', async function () {
    const answer = await register({ name: 'plain', url: collector.url });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  });
});
