/**
 * The three audit sinks behind one gateway, fed by real calls: each holds every event and none holds a secret; and a
 * burst of 10,000 calls yields exactly 10,000 rows in PostgreSQL.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { metrics, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import apiKey, { generateApiKey, hashApiKey } from '@secure-mcp-gateway/plugin-api-key';
import auditFile from '@secure-mcp-gateway/plugin-audit-file';
import auditOtel from '@secure-mcp-gateway/plugin-audit-otel';
import auditPostgres from '@secure-mcp-gateway/plugin-audit-postgres';
import { auditCollector } from './support/audit-collector.js';
import { ARGUMENT_SECRETS, TEST_CREDENTIAL, TEST_CREDENTIAL_AUTH, testCredentials } from './support/audit-secrets.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient, httpJson } from './support/client.js';
import { startGateway } from './support/gateway.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { waitFor } from './support/wait.js';

function echoBackend(server: McpServer) {
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerResource('leak', 'docs://leak', {}, async () => {
    throw new Error(`backend failed with key ${TEST_CREDENTIAL}`);
  });
}

describe('audit sinks fed by real calls', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let dir: string;
  let backend: HttpBackend;

  const count = async (table: string, where = 'true') => Number((await db.query<{ n: string }>(`select count(*) as n from ${table} where ${where}`))[0]!.n);

  before(async function () {
    db = await createTestDatabase('audit_sinks');
    dir = await mkdtemp(join(tmpdir(), 'audit-sinks-'));
    backend = await startHttpBackend(echoBackend, { name: 'echo', record: false });
  });

  after(async function () {
    await backend?.stop();
    await rm(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('file, PostgreSQL and OpenTelemetry each get every event, and no secret reaches any of them', async function () {
    const spans = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    const userKey = generateApiKey();
    const adminKey = generateApiKey();
    const wrongKey = generateApiKey();
    const collected = auditCollector();
    const file = join(dir, 'audit.jsonl');
    const gateway = await startGateway({
      servers: { echo: { type: 'http', url: backend.url, auth: { ...TEST_CREDENTIAL_AUTH } } },
      plugins: [
        apiKey({ keys: [{ id: 'alice', hash: hashApiKey(userKey), roles: ['mcp-user'] }, { id: 'root', hash: hashApiKey(adminKey), roles: ['mcp-admin'] }] }),
        testCredentials(),
        auditFile({ file }),
        auditPostgres({ connectionString: db.url, table: 'no_secrets', spoolFile: join(dir, 'spool.jsonl') }),
        auditOtel(),
        collected.plugin,
      ],
    });
    let stopped = false;
    try {
      const secretArguments = { text: `the key is ${TEST_CREDENTIAL}`, ...ARGUMENT_SECRETS, nested: { authorization: 'Bearer nested-e2e-5555' } };
      const invoked = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=echo`, { body: { tool_name: 'echo', parameters: secretArguments }, headers: { 'x-api-key': userKey } });
      expect(invoked.status).to.equal(200);
      const client = await connectClient(gateway.mcpUrl, { token: userKey });
      await client.callTool({ name: 'echo__echo', arguments: secretArguments });
      await client.listTools();
      await client.listResources();
      await client.close();
      expect((await httpJson(`${gateway.url}/config`, { headers: { 'x-api-key': userKey } })).status).to.equal(403);
      expect((await httpJson(`${gateway.url}/mcp/read-resource?mcp_server=echo&uri=docs://leak`, { headers: { 'x-api-key': userKey } })).status).to.be.at.least(400);
      expect((await httpJson(`${gateway.url}/mcp/list-tools?mcp_server=echo`, { headers: { 'x-api-key': wrongKey } })).status).to.equal(401);

      await gateway.gateway.flushAudit();
      const total = collected.events.length;
      expect(collected.events.map((event) => event.event_type)).to.include.members(['tool_call', 'tools_list', 'resources_list', 'resource_read', 'auth_failure', 'access_denied', 'session_start', 'server_status']);
      await waitFor(async () => (await count('no_secrets')) === total, `${total} rows in PostgreSQL`, 10_000);
      const stored = await httpJson(`${gateway.url}/audit?limit=1000`, { headers: { 'x-api-key': adminKey } });
      expect(stored.status).to.equal(200);
      const byId = (events: Array<{ id: string }>) => [...events].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(stored.body.events), 'every event read back from PostgreSQL as it was emitted').to.deep.equal(byId(JSON.parse(JSON.stringify(collected.events.slice(0, total)))));
      await gateway.stop();
      stopped = true;

      const fileText = await readFile(file, 'utf8');
      expect(fileText.trim().split('\n'), 'every event, those of the stop included').to.have.length(collected.events.length);
      const rows = (await db.query<{ row: string }>(`select row_to_json(t)::text as row from no_secrets t`)).map((r) => r.row).join('\n');
      const finished = spans.getFinishedSpans();
      expect(finished.some((span) => span.name === 'tools/call echo__echo')).to.equal(true);
      const spanText = JSON.stringify(finished.map((span) => ({ name: span.name, attributes: span.attributes, status: span.status, events: span.events })));
      expect(rows).to.include('[REDACTED]');
      for (const secret of [TEST_CREDENTIAL, wrongKey, userKey, 'nested-e2e-5555', ...Object.values(ARGUMENT_SECRETS)]) {
        expect(fileText, 'audit file').to.not.include(secret);
        expect(rows, 'PostgreSQL rows').to.not.include(secret);
        expect(spanText, 'spans').to.not.include(secret);
      }
    } finally {
      if (!stopped) await gateway.stop();
      trace.disable();
      metrics.disable();
    }
  });

  it('a burst of 10,000 calls yields 10,000 rows', async function () {
    const gateway = await startGateway({
      servers: { echo: { type: 'http', url: backend.url } },
      plugins: [auditPostgres({ connectionString: db.url, table: 'burst', spoolFile: join(dir, 'burst-spool.jsonl') })],
    });
    try {
      const calls = 10_000;
      const concurrency = 32;
      const deadline = Date.now() + 110_000;
      let next = 0;
      const failures: string[] = [];
      const worker = async () => {
        while (next < calls && Date.now() < deadline) {
          const index = next++;
          const response = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=echo`, { body: { tool_name: 'echo', parameters: { text: `call ${index}` } }, headers: { 'x-request-id': `burst-${index}` } });
          if (response.status !== 200) failures.push(`burst-${index}: HTTP ${response.status}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      expect(next, 'calls made within the time bound').to.equal(calls);
      expect(failures).to.deep.equal([]);
      await waitFor(async () => (await count('burst')) >= calls, `${calls} rows`, 30_000);
      const [stats] = await db.query<{ rows: string; ids: string; events: string }>(
        `select count(*) as rows, count(distinct request_id) as ids, count(distinct id) as events from burst where event_type = 'tool_call' and request_id like 'burst-%'`,
      );
      expect(stats).to.deep.equal({ rows: String(calls), ids: String(calls), events: String(calls) });
      expect(await count('burst', `event_type <> 'server_status'`), 'nothing else was written').to.equal(calls);
    } finally {
      await gateway.stop();
    }
  });
});
