/**
 * The CLI against a running gateway, as a user runs it: a child process, a real token from a real OpenID provider.
 * Every command that talks to the gateway, with good and bad input: each failure is one clear line on stderr and a
 * non-zero exit code (1 refused/failed, 2 bad command line, 3 gateway unreachable).
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import keycloakJwt from '@secure-mcp-gateway/plugin-keycloak-jwt';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { runCli } from './support/cli.js';
import { freePort, startGateway, type RunningGateway } from './support/gateway.js';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.js';

const tools = (label: string) => (server: McpServer) => {
  server.registerTool('echo', { description: `echo from ${label}`, inputSchema: { text: z.string(), times: z.number().optional() } }, async ({ text, times }) => ({
    content: [{ type: 'text', text: `${label}:${text.repeat(times ?? 1)}` }],
  }));
  server.registerTool('fail', { description: 'always fails' }, async () => ({ isError: true, content: [{ type: 'text', text: 'it broke' }] }));
};

describe('CLI against a running gateway', function () {
  let dir: string;
  let file: string;
  let oidc: TestOidcProvider;
  let alpha: HttpBackend;
  let beta: HttpBackend;
  let gateway: RunningGateway;
  let admin: string;
  let user: string;

  /** Runs the CLI with the gateway's URL and a token in the environment, as an operator's shell would have them. */
  const cli = (args: string[], token: string | null = admin) =>
    runCli(args, { env: { MCP_GATEWAY_URL: gateway.url, ...(token ? { MCP_GATEWAY_TOKEN: token } : {}) } });

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-cli-'));
    file = join(dir, 'mcp_servers.yaml');
    oidc = await startOidcProvider();
    alpha = await startHttpBackend(tools('alpha'), { name: 'alpha' });
    beta = await startHttpBackend(tools('beta'), { name: 'beta' });
    await writeFile(file, `# managed by the CLI test\nservers:\n  alpha:\n    url: ${alpha.url}\n    tags: [logs]\n  beta:\n    url: ${beta.url}\n    tags: [logs]\n`);
    gateway = await startGateway({ servers: file, plugins: [keycloakJwt({ issuer: oidc.issuer, audience: 'mcp-gateway' })] }, dir);
    admin = await oidc.passwordToken('admin');
    user = await oidc.passwordToken('testuser');
  });

  after(async function () {
    await gateway?.stop();
    await alpha?.stop();
    await beta?.stop();
    await oidc?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('servers list: a table for people, JSON with --json', async function () {
    const table = await cli(['servers', 'list']);
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/^NAME\s+TYPE\s+ENABLED\s+STATUS/);
    expect(table.stdout).to.match(/alpha\s+streamable-http\s+true\s+up\s+2\s+logs/);
    const json = await cli(['servers', 'list', '--json']);
    expect(JSON.parse(json.stdout).servers.map((server: { name: string }) => server.name)).to.deep.equal(['alpha', 'beta']);
  });

  it('servers info: details of one server; an unknown one is a 404 message and exit 1', async function () {
    const info = await cli(['servers', 'info', 'alpha', '--json']);
    expect(info.code, info.stderr).to.equal(0);
    expect(JSON.parse(info.stdout)).to.deep.include({ name: 'alpha', status: 'up', tool_count: 2 });
    const unknown = await cli(['servers', 'info', 'nope']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stdout).to.equal('');
    expect(unknown.stderr).to.equal('mcp-gateway: gateway answered HTTP 404 not_found: unknown server "nope"\n');
  });

  it('tools list: every server\'s tools, or one server\'s with --server', async function () {
    const all = await cli(['tools', 'list']);
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout).to.match(/alpha\s+echo\s+echo from alpha/).and.match(/beta\s+fail\s+always fails/);
    const one = await cli(['tools', 'list', '--server', 'beta', '--json']);
    const body = JSON.parse(one.stdout) as { tools: Array<{ server: string; name: string }>; count: number };
    expect(body.count).to.equal(2);
    expect(body.tools.every((tool) => tool.server === 'beta')).to.equal(true);
  });

  it('invoke: --param k=v (JSON values), --params, --params-file; a tool error exits 1', async function () {
    const single = await cli(['invoke', 'alpha', 'echo', '--param', 'text=ab', '--param', 'times=2']);
    expect(single.code, single.stderr).to.equal(0);
    expect(single.stdout).to.equal('alpha:abab\n');
    const json = await cli(['invoke', 'beta', 'echo', '--params', '{"text":"x"}', '--json']);
    expect(JSON.parse(json.stdout)).to.deep.include({ success: true, tool_name: 'echo', mcp_server: 'beta' });
    const paramsFile = join(dir, 'params.json');
    await writeFile(paramsFile, '{"text": "from-file"}');
    expect((await cli(['invoke', 'alpha', 'echo', '--params-file', paramsFile])).stdout).to.equal('alpha:from-file\n');
    const failed = await cli(['invoke', 'alpha', 'fail']);
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.equal('it broke\n');
    expect(failed.stderr).to.include('tool "fail" on server "alpha" returned an error');
  });

  it('invoke: bad JSON params exit 2 before anything is sent; unknown server and tool are 404s', async function () {
    const bad = await cli(['invoke', 'alpha', 'echo', '--params', '{"text":']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/--params is not valid JSON/);
    const notObject = await cli(['invoke', 'alpha', 'echo', '--params', '[1]']);
    expect(notObject.code).to.equal(2);
    expect(notObject.stderr).to.include('must be a JSON object');
    const badPair = await cli(['invoke', 'alpha', 'echo', '--param', 'novalue']);
    expect(badPair.code).to.equal(2);
    const unknownServer = await cli(['invoke', 'nope', 'echo', '--param', 'text=x']);
    expect(unknownServer.code).to.equal(1);
    expect(unknownServer.stderr).to.include('HTTP 404').and.include('unknown server "nope"');
    const unknownTool = await cli(['invoke', 'alpha', 'nope']);
    expect(unknownTool.code).to.equal(1);
    expect(unknownTool.stderr).to.include('HTTP 404').and.include('no tool "nope"');
  });

  it('servers register / disable / enable / remove through the admin API with --url', async function () {
    const url = ['--url', gateway.url];
    const registered = await cli(['servers', 'register', 'gamma', beta.url, '--tags', 'logs,eu', '--description', 'third', ...url]);
    expect(registered.code, registered.stderr).to.equal(0);
    expect(registered.stdout).to.include('registered server "gamma"');
    expect(await readFile(file, 'utf8')).to.include('gamma:').and.include('# managed by the CLI test');
    expect((await cli(['servers', 'disable', 'gamma', ...url, '--json'])).code).to.equal(0);
    const info = JSON.parse((await cli(['servers', 'info', 'gamma', '--json'])).stdout);
    expect(info).to.deep.include({ enabled: false, status: 'disabled' });
    expect((await cli(['servers', 'enable', 'gamma', ...url])).code).to.equal(0);
    const removed = await cli(['servers', 'remove', 'gamma', ...url]);
    expect(removed.code, removed.stderr).to.equal(0);
    expect(await readFile(file, 'utf8')).to.not.include('gamma');
  });

  it('admin commands without the admin role get the 403 reason; duplicates get the 409', async function () {
    const denied = await cli(['servers', 'disable', 'alpha', '--url', gateway.url], user);
    expect(denied.code).to.equal(1);
    expect(denied.stderr).to.include('HTTP 403 access_denied').and.include('mcp-admin');
    const duplicate = await cli(['servers', 'register', 'alpha', alpha.url, '--url', gateway.url]);
    expect(duplicate.code).to.equal(1);
    expect(duplicate.stderr).to.include('HTTP 409').and.include('already exists');
  });

  it('no token, an expired token and a forged token are 401s that say what to do', async function () {
    const none = await cli(['servers', 'list'], null);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.include('HTTP 401').and.include('--token');
    const now = Math.floor(Date.now() / 1000);
    const expired = await oidc.signToken(oidc.claimsFor('admin', { iat: now - 600, exp: now - 300 }));
    const old = await cli(['servers', 'list'], expired);
    expect(old.code).to.equal(1);
    expect(old.stderr).to.include('HTTP 401').and.match(/expired/i).and.include('mcp-gateway token');
    const forged = await cli(['tools', 'list', '--token', 'not-a-jwt']);
    expect(forged.code).to.equal(1);
    expect(forged.stderr).to.include('HTTP 401');
    expect(forged.stderr).to.not.include(admin);
  });

  it('an unreachable gateway is exit 3 with the address and a hint', async function () {
    const closed = await freePort();
    const result = await cli(['servers', 'list', '--url', `http://127.0.0.1:${closed}`]);
    expect(result.code).to.equal(3);
    expect(result.stderr).to.include(`cannot reach the gateway at http://127.0.0.1:${closed}: ECONNREFUSED`).and.include('is it running?');
  });

  it('broadcast and audit query say clearly when the gateway lacks the plugin behind them', async function () {
    const broadcast = await cli(['broadcast', 'echo', '--param', 'text=x']);
    expect(broadcast.code).to.equal(1);
    expect(broadcast.stderr).to.include('HTTP 404').and.include('broadcast plugin');
    const audit = await cli(['audit', 'query', '--limit', '5']);
    expect(audit.code).to.equal(1);
    expect(audit.stderr).to.include('HTTP 404').and.include('no queryable audit store').and.include('DATABASE_URL');
  });
});
