/**
 * The admin API (POST /mcp/servers, PATCH and DELETE /mcp/server/{name}) with real tokens: only mcp-admin may
 * change servers, every change lands in mcp_servers.yaml with its comments kept, applies live, and is audited.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';
import { waitFor } from './support/wait.js';

const echo = (server: McpServer) => {
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
};

const COMMENTED = `# Production servers. Keep this comment.
servers:
  # the first backend
  alpha:
    type: http
    url: URL  # inline comment
    tags: [logs]
`;

describe('admin API: register, change and remove servers', function () {
  let dir: string;
  let file: string;
  let oidc: TestOidcProvider;
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let audit: AuditCollector;
  let admin: string;
  let user: string;

  const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
    httpJson(`${gateway.url}${path}`, { method, ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-admin-'));
    file = join(dir, 'mcp_servers.yaml');
    oidc = await startOidcProvider();
    backend = await startHttpBackend(echo);
    await writeFile(file, COMMENTED.replace('URL', backend.url));
    audit = auditCollector();
    gateway = await startGateway({ servers: file, plugins: [keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' }), audit.plugin] }, dir);
    admin = await oidc.passwordToken('admin');
    user = await oidc.passwordToken('testuser');
  });

  after(async function () {
    await gateway?.stop();
    await backend?.stop();
    await oidc?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses callers without a token (401) and without the mcp-admin role (403, audited)', async function () {
    expect((await call('POST', '/mcp/servers', undefined, { name: 'x', url: backend.url })).status).to.equal(401);
    const denied = await call('PATCH', '/mcp/server/alpha', user, { enabled: false });
    expect(denied.status).to.equal(403);
    expect(denied.body.message).to.match(/admin.*mcp-admin/);
    await gateway.gateway.flushAudit();
    expect(audit.events.some((event) => event.event_type === 'access_denied' && event.principal?.username === 'testuser' && event.details?.['action'] === 'admin')).to.equal(true);
    expect(await readFile(file, 'utf8')).to.not.include('enabled: false');
  });

  it('registers a server: saved with the comments kept, live at once, audited with who did it', async function () {
    const response = await call('POST', '/mcp/servers', admin, { name: 'beta', url: backend.url, tags: ['logs', 'eu'], description: 'second' });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    expect(response.body.server).to.include({ name: 'beta', enabled: true });
    const text = await readFile(file, 'utf8');
    expect(text).to.include('# Production servers. Keep this comment.').and.include('# the first backend').and.include('# inline comment');
    expect(text).to.match(/beta:\n\s+url: /);
    await waitFor(async () => (await call('GET', '/mcp/list-tools?mcp_server=beta', admin)).status === 200, 'beta tools listed');
    const invoke = await call('POST', '/mcp/invoke?mcp_server=beta', admin, { tool_name: 'echo', parameters: { text: 'hello' } });
    expect(invoke.body.result.content[0].text).to.equal('hello');
    await gateway.gateway.flushAudit();
    const event = audit.events.find((e) => e.event_type === 'config_change' && e.server === 'beta');
    expect(event).to.deep.include({ outcome: 'success', channel: 'rest' });
    expect(event?.principal?.username).to.equal('admin');
    expect(event?.details).to.include({ action: 'server_register' });
  });

  it('refuses bad registrations with a clear 4xx and leaves the file alone', async function () {
    const before = await readFile(file, 'utf8');
    const duplicate = await call('POST', '/mcp/servers', admin, { name: 'beta', url: backend.url });
    expect(duplicate.status).to.equal(409);
    expect(duplicate.body.message).to.include('already exists');
    const stdio = await call('POST', '/mcp/servers', admin, { name: 'shell', type: 'stdio', command: 'sh' });
    expect(stdio.status).to.equal(400);
    expect(stdio.body.message).to.include('stdio');
    const badUrl = await call('POST', '/mcp/servers', admin, { name: 'gamma', url: 'ftp://nope' });
    expect(badUrl.status).to.equal(400);
    expect(badUrl.body.message).to.match(/gamma.*url/);
    const noScheme = await call('POST', '/mcp/servers', admin, { name: 'delta', url: backend.url, auth: { method: 'bearer', credential_ref: 'vault://kv/x#y' } });
    expect(noScheme.status).to.equal(400);
    expect(noScheme.body.message).to.include('vault://');
    expect(await readFile(file, 'utf8')).to.equal(before);
    await gateway.gateway.flushAudit();
    expect(audit.events.filter((e) => e.event_type === 'config_change' && e.outcome === 'error').length).to.be.at.least(3);
  });

  it('changes enabled, description, tags and timeout with PATCH, and refuses anything else', async function () {
    const patched = await call('PATCH', '/mcp/server/beta', admin, { enabled: false, description: 'paused', tags: ['eu'], timeout: 12 });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    expect(patched.body.server).to.include({ enabled: false, status: 'disabled', description: 'paused', timeout: 12 });
    const text = await readFile(file, 'utf8');
    expect(text).to.include('enabled: false').and.include('description: paused').and.include('# the first backend');
    expect((await call('PATCH', '/mcp/server/beta', admin, { url: 'http://elsewhere' })).status).to.equal(400);
    expect((await call('PATCH', '/mcp/server/beta', admin, { timeout: 'soon' })).status).to.equal(400);
    expect((await call('PATCH', '/mcp/server/beta', admin, {})).status).to.equal(400);
    const unknown = await call('PATCH', '/mcp/server/nope', admin, { enabled: true });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.message).to.include('nope');
  });

  it('removes a server from the file and the running gateway', async function () {
    const removed = await call('DELETE', '/mcp/server/beta', admin);
    expect(removed.status).to.equal(200);
    expect(removed.body.servers).to.deep.equal(['alpha']);
    const text = await readFile(file, 'utf8');
    expect(text).to.not.include('beta');
    expect(text).to.include('# Production servers. Keep this comment.');
    expect((await call('GET', '/mcp/server/beta/info', admin)).status).to.equal(404);
    expect((await call('DELETE', '/mcp/server/beta', admin)).status).to.equal(404);
  });
});
