/**
 * The CLI commands that plugins stand behind, run as a child process against a gateway with those plugins:
 * `broadcast` (broadcast plugin, POST /mcp/invoke-broadcast) in each --format, with tag and server selection and
 * partial failure, and `audit query` (audit-postgres plugin, GET /audit) with filters and paging. Long operations
 * show progress on a terminal and nothing extra in a pipe.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import auditPostgres from '@secure-mcp-gateway/plugin-audit-postgres';
import broadcast from '@secure-mcp-gateway/plugin-broadcast';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { CLI, runCli } from './support/cli.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';

/** Every backend has `echo`; `flaky` fails on the servers named in `failing`. */
const logsServer = (label: string, failing: boolean) => (server: McpServer) => {
  server.registerTool('echo', { inputSchema: { text: z.string(), times: z.number().optional() } }, async ({ text, times }) => ({
    content: [{ type: 'text', text: `${label}:${text.repeat(times ?? 1)}` }],
  }));
  server.registerTool('flaky', {}, async () => (failing ? { isError: true, content: [{ type: 'text', text: `${label} index is down` }] } : { content: [{ type: 'text', text: `${label} ok` }] }));
};

interface BroadcastJson {
  tool_name: string;
  total_servers: number;
  successful: number;
  failed: number;
  execution_time_ms: number;
  results: Record<string, { content: Array<{ type: string; text: string }> }>;
  errors: Record<string, string>;
}

describe('CLI: broadcast and audit query', function () {
  const backends: Record<string, HttpBackend> = {};
  let database: TestDatabase;
  let gateway: RunningGateway;
  let dir: string;
  const cli = (args: string[]) => runCli(args, { env: { MCP_GATEWAY_URL: gateway.url } });

  before(async function () {
    backends['logs-a'] = await startHttpBackend(logsServer('logs-a', false));
    backends['logs-b'] = await startHttpBackend(logsServer('logs-b', true));
    backends['metrics'] = await startHttpBackend(logsServer('metrics', false));
    database = await createTestDatabase('cli_audit');
    dir = await mkdtemp(join(tmpdir(), 'cli-audit-'));
    gateway = await startGateway({
      servers: {
        'logs-a': { url: backends['logs-a'].url, tags: ['logging'] },
        'logs-b': { url: backends['logs-b'].url, tags: ['logging'] },
        metrics: { url: backends['metrics'].url, tags: ['metrics'] },
      },
      plugins: [broadcast(), auditPostgres({ connectionString: database.url, spoolFile: join(dir, 'spool.jsonl') })],
    });
  });

  after(async function () {
    await gateway?.stop();
    for (const backend of Object.values(backends)) await backend.stop();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('broadcast --format summary (the default): counts, then each server\'s result cut to 200 characters', async function () {
    const result = await cli(['broadcast', 'echo', '--param', 'text=0123456789', '--param', 'times=50']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr, 'no progress in a pipe').to.equal('');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 4)).to.deep.equal(['BROADCAST RESULTS: echo', 'Total Servers: 3', 'Successful: 3', 'Failed: 0']);
    expect(lines[4]).to.match(/^Execution Time: \d+ms$/);
    for (const server of ['logs-a', 'logs-b', 'metrics']) {
      const body = lines[lines.indexOf(`[${server}]`) + 1]!;
      expect(body).to.have.length(200).and.match(/…$/).and.include(`${server}:0123456789`);
    }
  });

  it('broadcast --format full prints every result whole; --format json the gateway\'s answer', async function () {
    const full = await cli(['broadcast', 'echo', '--param', 'text=0123456789', '--param', 'times=50', '--format', 'full']);
    expect(full.code, full.stderr).to.equal(0);
    expect(full.stdout).to.include(`"text": "logs-a:${'0123456789'.repeat(50)}"`);
    const json = await cli(['broadcast', 'echo', '--params', '{"text":"hi"}', '--format', 'json']);
    expect(json.code, json.stderr).to.equal(0);
    const answer = JSON.parse(json.stdout) as BroadcastJson;
    expect(answer).to.deep.include({ tool_name: 'echo', total_servers: 3, successful: 3, failed: 0, errors: {} });
    expect(answer.results['metrics']!.content).to.deep.equal([{ type: 'text', text: 'metrics:hi' }]);
    const alias = JSON.parse((await cli(['broadcast', 'echo', '--param', 'text=hi', '--json'])).stdout) as BroadcastJson;
    expect(alias.results).to.deep.equal(answer.results);
  });

  it('broadcast --tags and --servers choose the targets', async function () {
    const tagged = JSON.parse((await cli(['broadcast', 'echo', '--param', 'text=t', '--tags', 'metrics', '--json'])).stdout) as BroadcastJson;
    expect(Object.keys(tagged.results)).to.deep.equal(['metrics']);
    const named = JSON.parse((await cli(['broadcast', 'echo', '--param', 'text=t', '--servers', 'logs-a,metrics', '--json'])).stdout) as BroadcastJson;
    expect(Object.keys(named.results).sort()).to.deep.equal(['logs-a', 'metrics']);
    expect(named.total_servers).to.equal(2);
  });

  it('broadcast with a failing server prints both outcomes and exits 1', async function () {
    const result = await cli(['broadcast', 'flaky', '--tags', 'logging']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.include('Successful: 1').and.include('Failed: 1').and.include('[logs-a]').and.include('[logs-b] FAILED: ');
    expect(result.stdout).to.include('logs-b index is down');
    expect(result.stderr).to.equal('mcp-gateway: 1 of 2 servers failed\n');
  });

  it('broadcast refuses bad input with a clear message', async function () {
    const format = await cli(['broadcast', 'echo', '--format', 'xml']);
    expect(format.code).to.equal(2);
    expect(format.stderr).to.include("option '--format <format>' argument 'xml' is invalid. Allowed choices are summary, full, json.");
    const unknown = await cli(['broadcast', 'echo', '--param', 'text=x', '--servers', 'nope']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.equal('mcp-gateway: gateway answered HTTP 404 not_found: unknown server "nope"\n');
    const badJson = await cli(['broadcast', 'echo', '--params', '{text}']);
    expect(badJson.code).to.equal(2);
    expect(badJson.stderr).to.include('--params is not valid JSON');
  });

  it('shows progress on a terminal while the gateway works', async function () {
    // `script` gives the CLI a pseudo-terminal, as a person's shell would.
    const command = `${process.execPath} ${CLI} broadcast echo --param text=tty --url ${gateway.url}`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env['PATH'] ?? '' }, timeout: 20_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(output).to.include('| broadcasting echo').and.include('BROADCAST RESULTS: echo');
  });

  it('audit query lists the calls, filtered and paged, as a table or JSON', async function () {
    await gateway.gateway.flushAudit();
    const json = await cli(['audit', 'query', '--event-type', 'tool_call', '--server', 'metrics', '--json']);
    expect(json.code, json.stderr).to.equal(0);
    const page = JSON.parse(json.stdout) as { events: Array<{ event_type: string; server: string; tool: string; outcome: string }> };
    expect(page.events.length).to.be.greaterThan(0);
    expect(page.events.every((event) => event.event_type === 'tool_call' && event.server === 'metrics')).to.equal(true);
    const failures = JSON.parse((await cli(['audit', 'query', '--outcome', 'error', '--tool', 'flaky', '--json'])).stdout) as typeof page;
    expect(failures.events.map((event) => event.server)).to.deep.equal(['logs-b']);
    const table = await cli(['audit', 'query', '--event-type', 'broadcast', '--limit', '1']);
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/^TIME\s+TYPE\s+OUTCOME\s+USER/).and.match(/broadcast\s+\w+\s+anonymous/);
    const cursor = /^more: --cursor (\S+)$/m.exec(table.stdout)?.[1];
    expect(cursor, 'a cursor to the next page').to.be.a('string');
    const next = await cli(['audit', 'query', '--event-type', 'broadcast', '--limit', '1', '--cursor', cursor!]);
    expect(next.code, next.stderr).to.equal(0);
    expect(next.stdout.split('\n')[1]).to.not.equal(table.stdout.split('\n')[1]);
  });

  it('audit query refuses bad filters: locally before sending, or with the gateway\'s 400', async function () {
    const outcome = await cli(['audit', 'query', '--outcome', 'maybe']);
    expect(outcome.code).to.equal(2);
    expect(outcome.stderr).to.include('Allowed choices are success, error, denied');
    const date = await cli(['audit', 'query', '--from', 'yesterday']);
    expect(date.code).to.equal(1);
    expect(date.stderr).to.match(/^mcp-gateway: gateway answered HTTP 400 bad_request: .*from/);
  });
});
