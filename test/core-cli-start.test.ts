/**
 * `mcp-gateway start --config FILE --port N` as an operator runs it: a child process of the built CLI with a
 * TypeScript config (loaded by plain node, no test loader), serving MCP clients on the port given; and a bad config
 * or a taken port ends the process with a non-zero code and a message that says what is wrong.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, runCli } from './support/cli.js';
import { connectClient } from './support/client.js';
import { freePort } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const REPO_NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
const EVERYTHING_SERVER = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));

const TS_CONFIG = `import { defineConfig } from '@secure-mcp-gateway/core';

export default defineConfig({
  server: { host: '127.0.0.1', port: 1 },
  servers: {
    everything: { type: 'stdio', command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(EVERYTHING_SERVER)}, 'stdio'], timeout: 30 },
  },
  logging: { level: 'info', format: 'pretty' },
});
`;

describe('mcp-gateway start', function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-cli-start-'));
    await symlink(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'operator-project', private: true, type: 'module' }));
    await writeFile(join(dir, 'my-gateway.ts'), TS_CONFIG);
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves MCP clients with the --config file on the --port given, and stops on SIGTERM', async function () {
    this.timeout(30_000);
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'start', '--config', 'my-gateway.ts', '--port', String(port)], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output.includes(`listening on http://127.0.0.1:${port}`), `the gateway to listen on ${port}`, 20_000);
      expect(output).to.include('NO AUTHENTICATION: every caller is "anonymous" (roles: mcp-user, mcp-admin)');
      expect(output, 'no color codes in a log that is not a terminal').not.to.include('\u001b[');
      const client = await connectClient(`http://127.0.0.1:${port}/mcp`);
      const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'from the CLI' } });
      expect(JSON.stringify(result.content)).to.contain('from the CLI');
      await client.close();
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits non-zero with the path of the bad field when the config is invalid', async function () {
    await writeFile(join(dir, 'bad.yaml'), 'server:\n  port: eighty\n  hots: 127.0.0.1\n');
    const result = await runCli(['start', '--config', 'bad.yaml'], { cwd: dir });
    expect(result.code).to.equal(1);
    const file = join(dir, 'bad.yaml');
    expect(result.stderr).to.equal(
      `mcp-gateway: invalid configuration:\n  - ${file}: config.server: unknown option "hots" (expected one of: host, port, publicUrl, trustProxy, bodyLimit, allowedOrigins, allowUnauthenticatedRemote)\n` +
        `  - ${file}: config.server.port: must be integer\n`,
    );
  });

  it('exits non-zero naming the file when the config cannot be read', async function () {
    const result = await runCli(['start', '--config', 'missing.yaml'], { cwd: dir });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^mcp-gateway: cannot load config missing\.yaml: /);
  });

  it('exits non-zero with a clear message when the port is taken', async function () {
    this.timeout(30_000);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const result = await runCli(['start', '--config', 'my-gateway.ts', '--port', String(port)], { cwd: dir, timeoutMs: 25_000 });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(new RegExp(`mcp-gateway: .*(EADDRINUSE|in use).*${port}`));
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('refuses a port that is not a number before doing anything', async function () {
    const result = await runCli(['start', '--config', 'my-gateway.ts', '--port', 'eighty'], { cwd: dir });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('must be a port number');
  });
});
