/**
 * The web UI in a real browser (headless Chromium) against a gateway, a real OpenID provider and real MCP backends
 * started here: login with code + PKCE, servers, tools, invoke, broadcast with a failing server, the audit view,
 * and that a non-admin reaches neither admin pages nor the admin API. Screenshots of each page go to docs/screenshots.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { stringify } from 'yaml';
import adminUi from '@secure-mcp-gateway/plugin-admin-ui';
import auditPostgres from '@secure-mcp-gateway/plugin-audit-postgres';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { httpJson } from './support/client.js';
import { freePort, startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { SCREENSHOTS_DIR, expectCount, expectText, launchBrowser, type TestBrowser } from './support/browser.js';
import { logsServer } from './support/logs-server.js';
import { mediaServer } from './support/ui-backends.js';


describe('web UI (admin-ui) in a browser', function () {
  this.timeout(60_000);
  let oidc: TestOidcProvider;
  let gateway: RunningGateway;
  let browser: TestBrowser;
  let page: Page;
  let dir: string;
  const backends: Record<string, HttpBackend> = {};
  let ui: string;
  let database: TestDatabase | undefined;

  before(async function () {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    ui = `${base}/ui/`;
    oidc = await startOidcProvider({ redirectUris: [`${base}/ui/callback`, `${base}/ui/silent-callback`], postLogoutRedirectUris: [ui], checkLoginPassword: true, accessTokenTtlSeconds: 64 });
    backends['logs-a'] = await startHttpBackend(logsServer('logs-a'), { name: 'logs-a' });
    backends['logs-b'] = await startHttpBackend(logsServer('logs-b'), { name: 'logs-b' });
    backends['logs-broken'] = await startHttpBackend(logsServer('logs-broken', { failing: true }), { name: 'logs-broken' });
    backends['media'] = await startHttpBackend(mediaServer, { name: 'media' });
    backends['spare'] = await startHttpBackend(mediaServer, { name: 'spare' });
    dir = await mkdtemp(join(tmpdir(), 'ui-test-'));
    const serversFile = join(dir, 'mcp_servers.yaml');
    await writeFile(
      serversFile,
      stringify({
        servers: {
          'logs-a': { type: 'http', url: backends['logs-a'].url, tags: ['logging', 'production'], description: 'Application logs, cluster A' },
          'logs-b': { type: 'http', url: backends['logs-b'].url, tags: ['logging', 'production'], description: 'Application logs, cluster B' },
          'logs-broken': { type: 'http', url: backends['logs-broken'].url, tags: ['logging'], description: 'A cluster whose index is down' },
          media: { type: 'http', url: backends['media'].url, tags: ['demo'], description: 'Returns images, audio and embedded resources' },
        },
      }),
    );
    database = await createTestDatabase('ui_audit');
    gateway = await startGateway({
      server: { port, publicUrl: base },
      servers: serversFile,
      plugins: [
        keycloakJwt({ issuer: oidc.issuer, audience: oidc.audience }),
        broadcast(),
        auditPostgres({ connectionString: database.url, spoolFile: join(dir, 'audit-spool.jsonl') }),
        adminUi({ oidc: { authority: oidc.issuer }, auditPollSeconds: 1 }),
      ],
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await mkdir(SCREENSHOTS_DIR, { recursive: true });
  });

  after(async function () {
    await browser?.close();
    await gateway?.stop();
    for (const backend of Object.values(backends)) await backend.stop();
    await oidc?.stop();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: false });

  /** Logs in through the provider's pages; the app returns to `landing` (the page that asked for the login). */
  async function logIn(username: string, password: string, landing = 'servers') {
    const landed = (url: URL) => url.href.startsWith(`${ui}${landing}`);
    const loginForm = page.locator('input[name="login"]');
    await page.getByRole('button', { name: 'Log in' }).click();
    // With a live session at the provider (after a reload) the login comes straight back.
    await Promise.race([page.waitForURL(landed), loginForm.waitFor()]);
    if (!landed(new URL(page.url()))) {
      await loginForm.fill(username);
      await page.locator('input[name="password"]').fill(password);
      await page.locator('button[type="submit"]').click();
      // oidc-provider asks for consent once per user and client; Keycloak's first-party client does not.
      const consent = page.locator('button[type="submit"]', { hasText: 'Continue' });
      await Promise.race([page.waitForURL(landed), consent.waitFor().then(() => consent.click())]);
      await page.waitForURL(landed);
    }
    await expectText(page.getByTestId('username'), username, { exact: true });
  }

  /** Client-side navigation, as the app's links do (a reload would drop the in-memory token). */
  const goInApp = (path: string) =>
    page.evaluate(`history.pushState(null, '', ${JSON.stringify(`${ui}${path}`)}); dispatchEvent(new PopStateEvent('popstate'))`);

  async function logOut() {
    await page.getByRole('button', { name: 'Log out' }).click();
    const confirm = page.locator('button[autofocus], button[type="submit"]', { hasText: /yes|sign.?out|confirm/i }).first();
    await Promise.race([page.waitForURL((url) => url.href === ui), confirm.waitFor().then(() => confirm.click())]);
    await page.waitForURL((url) => url.href === ui);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  }

  it('serves the app and a public config.json, with a strict content security policy', async function () {
    const index = await fetch(ui);
    expect(index.status).to.equal(200);
    expect(index.headers.get('content-security-policy')).to.include("script-src 'self'").and.include(`connect-src 'self' ${oidc.issuer}`);
    expect(await index.text()).to.include('<base href="/ui/">');
    const config = await httpJson(`${ui}config.json`);
    expect(config.status).to.equal(200);
    expect(config.body).to.deep.include({ auth_enabled: true, admin_role: 'mcp-admin' });
    expect(config.body.oidc).to.deep.equal({ authority: oidc.issuer, client_id: 'mcp-gateway-client', scope: 'openid profile email mcp:tools' });
    expect((await fetch(`${ui}assets/missing.js`)).status).to.equal(404);
  });

  it('refuses a wrong password, then logs testuser in with authorization code + PKCE (token in memory only)', async function () {
    const authorizeUrls: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${oidc.issuer}/auth`)) authorizeUrls.push(request.url());
    });
    await page.goto(ui);
    await shot('login');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('input[name="login"]').fill('testuser');
    await page.locator('input[name="password"]').fill('wrong');
    await page.locator('button[type="submit"]').click();
    await page.getByText('Invalid username or password').waitFor();

    await page.goto(ui);
    await logIn('testuser', 'testpass');
    const authorize = new URL(authorizeUrls[0]!);
    expect(authorize.searchParams.get('response_type')).to.equal('code');
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(authorize.searchParams.get('client_id')).to.equal('mcp-gateway-client');
    const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');
    expect(stored).not.to.match(/eyJ[\w-]+\.eyJ/); // no JWT in web storage
  });

  it('lists the servers with status, transport, tags and tool counts, without admin actions', async function () {
    const row = page.locator('tr[data-server="logs-a"]');
    await row.waitFor();
    await expectText(row, 'up', 'streamable-http', 'production', 'Application logs, cluster A');
    await expectCount(page.locator('tbody tr'), 4);
    await expectCount(page.getByRole('button', { name: /^(Disable|Enable) / }), 0);
    await expectCount(page.getByText('Register a server'), 0);
    await expectCount(page.getByRole('link', { name: 'Audit' }), 0);
  });

  it('lists and filters the tools, shows the input schema, and invokes a tool through a generated form', async function () {
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('search_logs');
    await page.getByLabel('Server').selectOption('logs-a');
    await page.getByRole('button', { name: /^logs-a__search_logs/ }).click();
    const detail = page.locator('.tool-detail');
    await expectText(detail.locator('table'), 'query', '"info" | "warn" | "error"');
    expect(await page.getByLabel('limit').inputValue()).to.equal('10'); // default from the schema
    await page.getByLabel('query', { exact: true }).fill('timeout');
    await page.getByLabel('level').selectOption('error');
    await page.getByRole('button', { name: 'Invoke' }).click();
    const result = detail.getByRole('region', { name: 'Result' });
    await expectText(result, '"server": "logs-a"', '"query": "timeout"', '"level": "error"');
    await shot('tools');
    const call = backends['logs-a']!.requests.find((request) => (request.body as { method?: string })?.method === 'tools/call');
    expect((call?.body as { params: { arguments: unknown } }).params.arguments).to.deep.equal({ query: 'timeout', limit: 10, level: 'error' });
  });

  it('shows every content type: image, audio, embedded resource, structured content, and isError', async function () {
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByLabel('Server').selectOption('media');
    await page.getByRole('button', { name: /^media__snapshot/ }).click();
    await page.getByRole('button', { name: 'Invoke' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.locator('img[alt^="Image returned"]').waitFor();
    expect(await result.locator('img[alt^="Image returned"]').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).to.equal(1);
    await result.locator('audio').waitFor();
    await expectText(result, 'Embedded resource', 'report://latest', 'Structured content');
    await shot('tool-result-media');

    await page.getByRole('button', { name: /^media__fail/ }).click();
    await page.getByRole('button', { name: 'Invoke' }).click();
    await expectText(page.getByRole('region', { name: 'Result' }).getByRole('alert'), 'The tool reported an error');
    await expectText(page.getByRole('region', { name: 'Result' }), 'disk quota exceeded');
  });

  it('validates the generated form and offers JSON editing of the arguments', async function () {
    await page.getByLabel('Server').selectOption('logs-b');
    await page.getByRole('button', { name: /^logs-b__search_logs/ }).click();
    await page.getByLabel('limit').fill('2.5');
    await page.getByRole('button', { name: 'Invoke' }).click();
    await expectText(page.locator('.invoke-form [role="alert"]'), 'limit must be a whole number');
    await page.getByRole('button', { name: 'Edit as JSON' }).click();
    await page.getByLabel('Arguments (JSON object)').fill('{"query": "disk", "limit": 3}');
    await page.getByRole('button', { name: 'Invoke' }).click();
    await expectText(page.getByRole('region', { name: 'Result' }), '"server": "logs-b"', '"limit": 3');
  });

  it('runs a broadcast and shows each server, the failing one included', async function () {
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByLabel('Server').selectOption('');
    await page.getByRole('button', { name: /^broadcast__search_logs/ }).click();
    await page.getByLabel('query', { exact: true }).fill('timeout');
    await page.getByRole('button', { name: 'Invoke' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await expectText(result.locator('.summary'), /Succeeded on 2 of 3 servers, failed on 1/);
    await expectText(result.locator('.server-error[data-server="logs-broken"]'), 'index unavailable');
    await expectText(result.locator('.server-result[data-server="logs-a"]'), '"server": "logs-a"');
    await shot('broadcast');
  });

  it('keeps a non-admin out of the admin pages and the admin API', async function () {
    await goInApp('audit');
    await expectText(page.getByRole('alert'), 'needs the mcp-admin role');
    // Opening the page directly: login first, then back to the page asked for, still refused.
    await page.goto(`${ui}audit`);
    await logIn('testuser', 'testpass', 'audit');
    await expectText(page.getByRole('alert'), 'needs the mcp-admin role');
    await logOut();

    const token = await oidc.passwordToken('testuser');
    const audit = await httpJson(`${gateway.url}/audit`, { token });
    expect(audit.status, JSON.stringify(audit.body)).to.equal(403);
    const patch = await httpJson(`${gateway.url}/mcp/server/media`, { method: 'PATCH', token, body: { enabled: false } });
    expect(patch.status).to.equal(403);
    const register = await httpJson(`${gateway.url}/mcp/servers`, { method: 'POST', token, body: { name: 'sneaky', type: 'http', url: backends['spare']!.url } });
    expect(register.status).to.equal(403);
  });

  it('lets an admin disable, enable and register servers through the admin API', async function () {
    await logIn('admin', 'admin123');
    await page.getByRole('button', { name: 'Disable media' }).click();
    await expectText(page.locator('tr[data-server="media"] .badge').first(), 'disabled', { exact: true });
    await page.getByRole('button', { name: 'Enable media' }).click();
    await page.getByRole('button', { name: 'Disable media' }).waitFor();

    await page.getByText('Register a server').click();
    await page.getByLabel('Name').fill('spare');
    await page.getByLabel('URL').fill(backends['spare']!.url);
    await page.getByLabel('Tags').fill('demo, spare');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByText('Registered spare.').waitFor();
    await page.locator('tr[data-server="spare"]').waitFor();
    await page.getByText('Register a server').click();
    await shot('servers');
  });

  it('shows the audit trail to an admin: the user\'s call, its detail, and new events as they happen', async function () {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('textbox', { name: 'User', exact: true }).fill('testuser');
    await page.getByRole('textbox', { name: 'Tool', exact: true }).fill('search_logs');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator('tbody tr', { hasText: 'logs-a' }).first();
    await row.waitFor();
    await shot('audit');
    await row.getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: 'Audit event' });
    await expectText(dialog, 'testuser', 'timeout');
    await shot('audit-detail');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.getByLabel(/Live tail/).check();
    const token = await oidc.passwordToken('testuser');
    const call = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=logs-b`, { token, body: { tool_name: 'search_logs', parameters: { query: 'tail-probe' } } });
    expect(call.status).to.equal(200);
    await page.locator('tbody tr.fresh', { hasText: 'logs-b' }).waitFor();
  });
  it('renews the token silently before it expires (tokens live 64 s; renewal starts 60 s before expiry)', async function () {
    const renewals: string[] = [];
    browser.context.on('request', (request) => {
      if (request.url().startsWith(`${oidc.issuer}/auth`) && request.url().includes('prompt=none')) renewals.push(request.url());
      if (request.url() === `${oidc.issuer}/token` && request.postData()?.includes('grant_type=refresh_token')) renewals.push('refresh');
    });
    const deadline = Date.now() + 15_000;
    while (renewals.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(renewals, 'a silent renewal request').to.have.length.greaterThan(0);
    await page.getByRole('link', { name: 'Servers' }).click();
    await page.locator('tr[data-server="logs-a"]').waitFor();
    await expectText(page.getByTestId('username'), 'admin', { exact: true });
  });
});
