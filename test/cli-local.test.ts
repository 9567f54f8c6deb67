/**
 * The CLI's local commands as a child process: `--help` everywhere, `config validate|print` (secrets redacted),
 * `servers register|enable|disable|remove` on the file (comments kept), and `start` serving, reloading on SIGHUP and
 * stopping cleanly on SIGTERM.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { CLI, runCli } from './support/cli.js';
import { waitFor } from './support/wait.js';

const SERVERS = `# team servers: this comment stays
servers:
  # reference backend
  alpha:
    url: URL
    headers:
      X-Static-Secret: "header-secret-value"
`;

describe('CLI: local commands', function () {
  let dir: string;
  let file: string;
  let backend: HttpBackend;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-cli-local-'));
    file = join(dir, 'mcp_servers.yaml');
    backend = await startHttpBackend((server: McpServer) => server.registerTool('ping', {}, async () => ({ content: [{ type: 'text', text: 'pong' }] })));
    await writeFile(file, SERVERS.replace('URL', backend.url));
    await writeFile(join(dir, 'gateway.config.json'), JSON.stringify({ servers: './mcp_servers.yaml', logging: { format: 'json' } }));
  });

  after(async function () {
    await backend?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('has --help on every command', async function () {
    const commands = [[], ['start'], ['config'], ['config', 'validate'], ['config', 'print'], ['servers'], ['servers', 'list'], ['servers', 'info'],
      ['servers', 'register'], ['servers', 'enable'], ['servers', 'disable'], ['servers', 'update'], ['servers', 'remove'], ['tools'], ['tools', 'list'],
      ['invoke'], ['broadcast'], ['audit'], ['audit', 'query'], ['token']];
    const results = await Promise.all(commands.map((command) => runCli([...command, '--help'])));
    for (const [index, result] of results.entries()) {
      expect(result.code, commands[index]!.join(' ')).to.equal(0);
      expect(result.stdout, commands[index]!.join(' ')).to.match(/^Usage: mcp-gateway/);
    }
    const usage = await runCli(['servers', 'frobnicate']);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include("unknown command 'frobnicate'");
  });

  it('config validate accepts a good config and names the bad field of a bad one', async function () {
    const good = await runCli(['config', 'validate', '--json'], { cwd: dir });
    expect(good.code, good.stderr).to.equal(0);
    expect(JSON.parse(good.stdout)).to.deep.include({ valid: true, servers: ['alpha'] });
    await writeFile(join(dir, 'bad.config.json'), JSON.stringify({ servers: { beta: { url: 'http://x', timeout: -1 } } }));
    const bad = await runCli(['config', 'validate', '-c', 'bad.config.json'], { cwd: dir });
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/config\.servers\.beta.*timeout/);
    await writeFile(join(dir, 'open.config.json'), JSON.stringify({ server: { host: '0.0.0.0' }, servers: {} }));
    const open = await runCli(['config', 'validate', '-c', 'open.config.json'], { cwd: dir });
    expect(open.code, 'validate refuses what start would refuse').to.equal(1);
    expect(open.stderr).to.include('only binds to loopback');
    const unresolved = {
      servers: {
        beta: { url: 'http://127.0.0.1:1/mcp', auth: { method: 'bearer', credential_ref: 'env://MCP_GW_VALIDATE_UNSET' } },
        gamma: { url: 'http://127.0.0.1:1/mcp', auth: { method: 'bearer', credential_ref: 'env://MCP_GW_VALIDATE_UNSET_TOO' } },
      },
      plugins: [{ package: '@secure-mcp-gateway/plugin-env-credentials' }],
    };
    await writeFile(join(dir, 'unresolved.config.json'), JSON.stringify(unresolved));
    const missing = await runCli(['config', 'validate', '-c', 'unresolved.config.json'], { cwd: dir });
    expect(missing.code, 'validate resolves credentials as start does').to.equal(1);
    expect(missing.stderr).to.equal(
      'mcp-gateway: 2 problems:\n' +
        '  - cannot resolve credential env://MCP_GW_VALIDATE_UNSET for server "beta": environment variable MCP_GW_VALIDATE_UNSET is not set\n' +
        '  - cannot resolve credential env://MCP_GW_VALIDATE_UNSET_TOO for server "gamma": environment variable MCP_GW_VALIDATE_UNSET_TOO is not set\n',
    );
    const resolved = await runCli(['config', 'validate', '-c', 'unresolved.config.json'], { cwd: dir, env: { MCP_GW_VALIDATE_UNSET: 'value', MCP_GW_VALIDATE_UNSET_TOO: 'value' } });
    expect(resolved.code, resolved.stderr).to.equal(0);
  });

  it('config validate turns a wrong environment variable into a message naming it', async function () {
    const result = await runCli(['config', 'validate', '-c', join(process.cwd(), 'gateway.config.ts')], { env: { PORT: 'eighty', MCP_SERVERS_FILE: file } });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('PORT: must be a port number');
  });

  it('config print shows the resolved config with header values and URL passwords redacted', async function () {
    const result = await runCli(['config', 'print'], { cwd: dir });
    expect(result.code, result.stderr).to.equal(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.servers.alpha.headers).to.deep.equal({ 'X-Static-Secret': '[REDACTED]' });
    expect(result.stdout).to.not.include('header-secret-value');
    const withDatabase = await runCli(['config', 'print', '-c', join(process.cwd(), 'gateway.config.ts')], {
      env: { MCP_SERVERS_FILE: file, KEYCLOAK_URL: 'http://kc.example:8080', JWT_AUDIENCE: 'gw' },
    });
    expect(withDatabase.code, withDatabase.stderr).to.equal(0);
    const plugins = JSON.parse(withDatabase.stdout).plugins as Array<{ name: string; options: Record<string, unknown> }>;
    expect(plugins.find((plugin) => plugin.name === 'keycloak-jwt')?.options).to.deep.include({ keycloakUrl: 'http://kc.example:8080', realm: 'mcp-gateway', audience: 'gw' });
  });

  it('servers register / disable / enable / update / remove edit the file and keep its comments', async function () {
    const registered = await runCli(['servers', 'register', 'elk', 'https://elk.example.com/mcp', '--file', file, '--tags', 'logging,production', '--timeout', '45',
      '--auth-method', 'bearer', '--credential-ref', 'env://ELK_TOKEN']);
    expect(registered.code, registered.stderr).to.equal(0);
    let text = await readFile(file, 'utf8');
    expect(text).to.include('# team servers: this comment stays').and.include('# reference backend');
    expect(text).to.match(/elk:\n\s+type: http\n\s+url: https:\/\/elk\.example\.com\/mcp/).and.include('credential_ref: env://ELK_TOKEN').and.include('timeout: 45');
    expect((await runCli(['servers', 'disable', 'elk', '-f', file])).code).to.equal(0);
    expect(await readFile(file, 'utf8')).to.match(/elk:[\s\S]*enabled: false/);
    expect((await runCli(['servers', 'enable', 'elk'], { env: { MCP_SERVERS_FILE: file } })).code).to.equal(0);
    expect((await runCli(['servers', 'update', 'elk', '-f', file, '--description', 'ELK prod'])).code).to.equal(0);
    text = await readFile(file, 'utf8');
    expect(text).to.match(/elk:[\s\S]*enabled: true/).and.include('description: ELK prod');
    const removed = await runCli(['servers', 'remove', 'elk', '-f', file, '--json']);
    expect(JSON.parse(removed.stdout)).to.deep.equal({ removed: 'elk', file, servers: ['alpha'] });
    expect(await readFile(file, 'utf8')).to.include('# reference backend').and.not.include('elk');
  });

  it('servers register writes every flag of the seed\'s register-mcp, each auth method included', async function () {
    const register = (name: string, flags: string[]) => runCli(['servers', 'register', name, `https://${name}.example.com/mcp`, '-f', file, ...flags]);
    const results = [
      await register('flags-custom', ['--type', 'sse', '--timeout', '15', '--disabled', '--description', 'All flags', '--tags', 'a, b', '--header', 'X-Tenant=acme',
        '--auth-method', 'custom', '--auth-location', 'query', '--auth-name', 'token', '--auth-format', 'template', '--auth-template', 'T {credential}',
        '--credential-ref', 'file:///run/secrets/token']),
      await register('flags-oauth', ['--enabled', '--auth-method', 'oauth2', '--token-url', 'https://sso.example.com/token', '--client-id', 'gw', '--scopes', 'read,write',
        '--audience', 'api', '--credential-ref', 'env://OAUTH_SECRET']),
      await register('flags-basic', ['--auth-method', 'basic', '--auth-username', 'svc', '--auth-prefix', 'Basic ', '--credential-ref', 'vault://secret/data/x#password']),
      await register('flags-key', ['--auth-method', 'api_key', '--auth-location', 'body', '--auth-name', 'apiKey', '--auth-format', 'raw', '--credential-ref', 'env://KEY']),
      await register('flags-none', ['--type', 'streamable-http', '--auth-method', 'none']),
    ];
    for (const result of results) expect(result.code, result.stderr).to.equal(0);
    const { servers } = parseYaml(await readFile(file, 'utf8')) as { servers: Record<string, unknown> };
    expect(servers['flags-custom']).to.deep.equal({
      type: 'sse', url: 'https://flags-custom.example.com/mcp', enabled: false, timeout: 15, description: 'All flags', tags: ['a', 'b'], headers: { 'X-Tenant': 'acme' },
      auth: { method: 'custom', location: 'query', name: 'token', format: 'template', template: 'T {credential}', credential_ref: 'file:///run/secrets/token' },
    });
    expect(servers['flags-oauth']).to.deep.equal({
      type: 'http', url: 'https://flags-oauth.example.com/mcp', enabled: true,
      auth: { method: 'oauth2', location: 'header', name: 'Authorization', format: 'prefix', prefix: 'Bearer ', credential_ref: 'env://OAUTH_SECRET', token_url: 'https://sso.example.com/token', client_id: 'gw', scopes: ['read', 'write'], audience: 'api' },
    });
    expect(servers['flags-basic']).to.deep.include({ auth: { method: 'basic', location: 'header', name: 'Authorization', format: 'prefix', prefix: 'Basic ', credential_ref: 'vault://secret/data/x#password', username: 'svc' } });
    expect(servers['flags-key']).to.deep.include({ auth: { method: 'api_key', location: 'body', name: 'apiKey', format: 'raw', credential_ref: 'env://KEY' } });
    expect(servers['flags-none']).to.deep.equal({ type: 'streamable-http', url: 'https://flags-none.example.com/mcp', enabled: true });
    const both = await register('flags-both', ['--enabled', '--disabled']);
    expect(both.code).to.equal(2);
    expect(both.stderr).to.include('give --enabled or --disabled, not both');
    for (const name of ['flags-custom', 'flags-oauth', 'flags-basic', 'flags-key', 'flags-none']) expect((await runCli(['servers', 'remove', name, '-f', file])).code).to.equal(0);
  });

  it('servers register refuses bad input without touching the file', async function () {
    const before = await readFile(file, 'utf8');
    const cases: Array<[string[], number, RegExp]> = [
      [['servers', 'register', 'x', 'https://x.example', '-f', file, '--credential-value', 'hunter22'], 2, /--credential-value is refused/],
      [['servers', 'register', 'x', 'https://x.example', '-f', file, '--auth-method', 'api_key'], 2, /needs --credential-ref/],
      [['servers', 'register', 'x', 'not a url', '-f', file], 1, /servers\.x.*url/],
      [['servers', 'register', 'alpha', 'https://x.example', '-f', file], 1, /already exists/],
      [['servers', 'register', 'a__b', 'https://x.example', '-f', file], 1, /"__"/],
      [['servers', 'register', 'x', 'https://x.example', '-f', file, '--auth-method', 'magic'], 2, /Allowed choices/],
      [['servers', 'disable', 'nope', '-f', file], 1, /unknown server "nope"/],
      [['servers', 'register', 'x', 'https://x.example', '-f', file, '--timeout', 'soon'], 2, /'--timeout <seconds>' argument 'soon' is invalid\. must be a positive number of seconds/],
      [['servers', 'update', 'alpha', '-f', file, '--timeout', '0'], 2, /'--timeout <seconds>' argument '0' is invalid/],
      [['servers', 'list', '--request-timeout', 'x'], 2, /'--request-timeout <seconds>' argument 'x' is invalid/],
    ];
    for (const [args, code, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).to.equal(code);
      expect(result.stderr, args.join(' ')).to.match(message);
      expect(result.stderr).to.not.include('hunter22');
    }
    expect(await readFile(file, 'utf8')).to.equal(before);
  });

  it('start serves, reloads the servers file on SIGHUP and stops on SIGTERM', async function () {
    const child = spawn(process.execPath, [CLI, 'start', '--port', '0'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.test(stderr), 'the gateway to listen', 15_000);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!;
      expect((await fetch(`${url}/health`)).status).to.equal(200);
      await writeFile(file, `${await readFile(file, 'utf8')}  beta:\n    url: ${backend.url}\n`);
      child.kill('SIGHUP');
      await waitFor(() => stderr.includes('SIGHUP received'), 'the SIGHUP log line');
      await waitFor(async () => {
        const body = (await (await fetch(`${url}/mcp/servers`)).json()) as { servers: Array<{ name: string }> };
        return body.servers.some((server) => server.name === 'beta');
      }, 'beta to be served');
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
