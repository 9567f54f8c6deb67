/**
 * The web UI on a gateway with authentication off: no login, a warning on every page, tools work as the anonymous
 * user, and what that user may not do is refused by the gateway and shown as such.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { stringify } from 'yaml';
import adminUi from '@secure-mcp-gateway/plugin-admin-ui';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { SCREENSHOTS_DIR, expectCount, expectText, launchBrowser, type TestBrowser } from './support/browser.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { logsServer } from './support/logs-server.js';

describe('web UI (admin-ui) with authentication off', function () {
  this.timeout(60_000);
  let backend: HttpBackend;
  let gateway: RunningGateway;
  let browser: TestBrowser;
  let page: Page;
  let dir: string;

  before(async function () {
    backend = await startHttpBackend(logsServer('logs-dev'), { name: 'logs-dev' });
    dir = await mkdtemp(join(tmpdir(), 'ui-dev-'));
    const serversFile = join(dir, 'mcp_servers.yaml');
    await writeFile(serversFile, stringify({ servers: { 'logs-dev': { type: 'http', url: backend.url, tags: ['logging'] } } }));
    gateway = await startGateway({ servers: serversFile, access: { anonymousRoles: ['mcp-user'] }, plugins: [adminUi()] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  after(async function () {
    await browser?.close();
    await gateway?.stop();
    await backend?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says authentication is off on every page and needs no login', async function () {
    const config = await (await fetch(`${gateway.url}/ui/config.json`)).json();
    expect(config).to.deep.include({ auth_enabled: false, oidc: null });
    await page.goto(`${gateway.url}/ui/`);
    await expectText(page.locator('.banner.warning'), 'Authentication is off');
    await expectCount(page.getByRole('button', { name: 'Log in' }), 0);
    await page.locator('tr[data-server="logs-dev"]').waitFor();
    await page.getByRole('link', { name: 'Tools' }).click();
    await expectText(page.locator('.banner.warning'), 'Authentication is off');
    await mkdir(SCREENSHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'dev-mode.png') });
  });

  it('invokes a tool as the anonymous user', async function () {
    await page.getByRole('button', { name: /^logs-dev__search_logs/ }).click();
    await page.getByLabel('query', { exact: true }).fill('dev');
    await page.getByRole('button', { name: 'Invoke' }).click();
    await expectText(page.getByRole('region', { name: 'Result' }), '"server": "logs-dev"');
  });

  it('shows the gateway refusing an admin action the anonymous user may not take', async function () {
    await page.getByRole('link', { name: 'Servers' }).click();
    await page.getByRole('button', { name: 'Disable logs-dev' }).click();
    await expectText(page.getByRole('alert'), 'Could not disable logs-dev (HTTP 403)');
    await expectText(page.locator('tr[data-server="logs-dev"] .badge').first(), 'up', { exact: true });
  });
});
