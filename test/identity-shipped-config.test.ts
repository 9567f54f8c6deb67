/**
 * The shipped gateway.config.ts with both a JWT issuer (OIDC_ISSUER) and API keys (API_KEYS_FILE), as the compose
 * stack runs it: a JWT, a key in X-API-Key and a key as "Authorization: Bearer mgw_…" are all accepted.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey, hashApiKey } from '@secure-mcp-gateway/plugin-api-key';
import { CLI } from './support/cli.js';
import { httpJson } from './support/client.js';
import { freePort } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';
import { waitFor } from './support/wait.js';

const SHIPPED_CONFIG = fileURLToPath(new URL('../gateway.config.ts', import.meta.url));

describe('identity: the shipped config with a JWT issuer and API keys', function () {
  const key = generateApiKey();
  let oidc: TestOidcProvider;
  let dir: string;
  let url: string;
  let stop: () => Promise<void>;

  before(async function () {
    this.timeout(30_000);
    oidc = await startOidcProvider();
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-shipped-auth-'));
    await writeFile(join(dir, 'mcp_servers.yaml'), 'servers: {}\n');
    await writeFile(join(dir, 'keys.json'), JSON.stringify([{ id: 'ci', hash: hashApiKey(key), roles: ['mcp-user'] }]));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = { PATH: process.env['PATH'] ?? '', OIDC_ISSUER: oidc.issuer, API_KEYS_FILE: join(dir, 'keys.json'), MCP_SERVERS_FILE: join(dir, 'mcp_servers.yaml'), PORT: String(port) };
    const child = spawn(process.execPath, [CLI, 'start', '--config', SHIPPED_CONFIG], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    await waitFor(() => output.includes('listening on'), `the gateway to start (output: ${output})`, 20_000);
  });

  after(async function () {
    await stop?.();
    await oidc?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts a JWT, a key in X-API-Key and a key as a bearer token; refuses a wrong key', async function () {
    const jwt = await oidc.passwordToken('testuser', 'testpass');
    expect((await httpJson(`${url}/mcp/servers`, { token: jwt })).status, 'JWT').to.equal(200);
    expect((await httpJson(`${url}/mcp/servers`, { headers: { 'x-api-key': key } })).status, 'X-API-Key').to.equal(200);
    expect((await httpJson(`${url}/mcp/servers`, { token: key })).status, 'Authorization: Bearer mgw_…').to.equal(200);
    const wrong = await httpJson(`${url}/mcp/servers`, { token: `${key.slice(0, -2)}xx` });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.message).to.equal('invalid API key');
  });
});
