/**
 * Headless Chromium for UI tests: Debian's `chromium` driven by playwright-core (no browser download), a fresh
 * empty profile per launch, nothing reaching beyond what the page itself asks for.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Locator } from 'playwright-core';

/**
 * Where the browser tests put their screenshots: docs/screenshots (the README's pictures) when UPDATE_SCREENSHOTS=1,
 * otherwise a temporary folder, so that a test run does not rewrite tracked files.
 */
export const SCREENSHOTS_DIR = process.env['UPDATE_SCREENSHOTS'] === '1' ? join(process.cwd(), 'docs', 'screenshots') : join(tmpdir(), 'mcp-gateway-screenshots');

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const profile = await mkdtemp(join(tmpdir(), 'ui-test-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: options.viewport ?? { width: 1366, height: 860 },
    timeout: 20_000,
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const WAIT_MS = 10_000;

/** Waits (bounded) until the first match's text has every expected part (or equals it, with `exact`), then asserts. */
export async function expectText(locator: Locator, ...expected: Array<string | RegExp | { exact: true }>): Promise<string> {
  const exact = expected.some((part) => typeof part === 'object' && 'exact' in part);
  const parts = expected.filter((part): part is string | RegExp => typeof part === 'string' || part instanceof RegExp);
  const matches = (text: string) => parts.every((part) => (exact && typeof part === 'string' ? text.trim() === part : typeof part === 'string' ? text.includes(part) : part.test(text)));
  const deadline = Date.now() + WAIT_MS;
  let text = '';
  do {
    text = (await locator.first().textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
    if (matches(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  expect.fail(`text of ${locator} was ${JSON.stringify(text.slice(0, 500))}, expected ${parts.map(String).join(', ')}`);
}

/** Waits (bounded) until the locator matches `count` elements, then asserts. */
export async function expectCount(locator: Locator, count: number): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let actual = -1;
  do {
    actual = await locator.count();
    if (actual === count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  expect(actual, `count of ${locator}`).to.equal(count);
}
