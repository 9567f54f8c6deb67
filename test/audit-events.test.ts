/**
 * The audit trail end to end: every front door (/mcp, /servers/<name>/mcp, REST) and every kind of operation emits one
 * event saying who, from where, what and how it went — redacted, and valid against the published JSON schema.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, auditEventSchema, definePlugin, type AuditEvent, type AuditEventType } from '@secure-mcp-gateway/core';
import apiKey, { generateApiKey, hashApiKey } from '@secure-mcp-gateway/plugin-api-key';
import rbac from '@secure-mcp-gateway/plugin-rbac';
import { auditCollector, type AuditCollector } from './support/audit-collector.js';
import { ARGUMENT_SECRETS, TEST_CREDENTIAL as CREDENTIAL, testCredentials } from './support/audit-secrets.js';
import { startHttpBackend, type HttpBackend } from './support/backends.js';
import { httpJson } from './support/client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const USER_AGENT = 'audit-e2e/1.0';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function toolsBackend(server: McpServer) {
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('fail', {}, async () => ({ isError: true, content: [{ type: 'text', text: 'broken' }] }));
  server.registerTool('forbidden', {}, async () => ({ content: [{ type: 'text', text: 'should never run' }] }));
  server.registerResource('readme', 'docs://readme', {}, async (uri) => ({ contents: [{ uri: uri.href, text: 'hello' }] }));
  server.registerResource('leak', 'docs://leak', {}, async () => {
    throw new Error(`backend failed with key ${CREDENTIAL}`);
  });
  server.registerPrompt('greet', { argsSchema: { name: z.string() } }, ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `hi ${name}` } }] }));
  const names = ['alice', 'albert', 'bob'];
  server.registerPrompt('login', { argsSchema: { user: completable(z.string(), (value) => names.filter((name) => name.startsWith(value))), password: completable(z.string(), () => []) } }, ({ user }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `log in ${user}` } }],
  }));
}

function otherBackend(server: McpServer) {
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text: `other:${text}` }] }));
}

/** Claims `fanout__<tool>` and runs it on every server, so the core's multi-target path (a broadcast) is audited. */
const testFanOut = definePlugin<object>({
  name: 'test-fan-out',
  setup(context) {
    context.hooks.route((request) => {
      if (request.kind !== 'tool' || !request.name.startsWith('fanout__')) return undefined;
      const tool = request.name.slice('fanout__'.length);
      return { strategy: 'test-all', targets: ['tools', 'other'].map((server) => ({ server, name: tool, ...(request.arguments ? { arguments: request.arguments } : {}) })) };
    });
    context.hooks.fanOut(async (plan, fanOut) => {
      if (plan.strategy !== 'test-all') return undefined;
      const outcomes = await Promise.all(plan.targets.map((target) => fanOut.callTarget(target)));
      return { content: outcomes.map((outcome) => ({ type: 'text' as const, text: `${outcome.server}:${outcome.ok}` })) };
    });
  },
});

function serversYaml(tools: HttpBackend, other: HttpBackend, extra = ''): string {
  return [
    'servers:',
    '  tools:',
    '    type: http',
    `    url: ${tools.url}`,
    '    auth:',
    '      method: bearer',
    '      location: header',
    '      name: Authorization',
    '      format: prefix',
    '      prefix: "Bearer "',
    '      credential_ref: testvault://tools',
    '  other:',
    '    type: http',
    `    url: ${other.url}`,
    extra,
  ].join('\n');
}

describe('audit events from every route', function () {
  this.timeout(30_000);
  const userKey = generateApiKey();
  const adminKey = generateApiKey();
  const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(auditEventSchema);
  let dir: string;
  let serversFile: string;
  let tools: HttpBackend;
  let other: HttpBackend;
  let gateway: RunningGateway;
  let audit: AuditCollector;
  const clients: Client[] = [];

  /** An SDK client with its own user agent and trace; returns the client and its transport (for the session id). */
  async function connect(path: string, key = userKey) {
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}${path}`), {
      requestInit: { headers: { 'x-api-key': key, 'user-agent': USER_AGENT, traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } },
    });
    const client = new Client({ name: 'audit-e2e', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  const rest = (path: string, init: Parameters<typeof httpJson>[1] = {}) =>
    httpJson(`${gateway.url}${path}`, { ...init, headers: { 'x-api-key': userKey, 'user-agent': USER_AGENT, ...init.headers } });

  /** The events recorded since `mark`, once delivered. */
  async function eventsSince(mark: number): Promise<AuditEvent[]> {
    await gateway.gateway.flushAudit();
    return audit.events.slice(mark);
  }

  const only = (events: AuditEvent[], type: AuditEventType) => events.filter((event) => event.event_type === type);

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'audit-events-'));
    serversFile = join(dir, 'mcp_servers.yaml');
    tools = await startHttpBackend(toolsBackend, { name: 'tools', record: false });
    other = await startHttpBackend(otherBackend, { name: 'other', record: false });
    await writeFile(serversFile, serversYaml(tools, other));
    audit = auditCollector();
    gateway = await startGateway({
      servers: serversFile,
      plugins: [
        apiKey({ keys: [{ id: 'alice', hash: hashApiKey(userKey), roles: ['mcp-user'] }, { id: 'root', hash: hashApiKey(adminKey), roles: ['mcp-admin'] }] }),
        rbac({
          default: 'deny',
          rules: [
            { effect: 'allow', roles: ['mcp-user', 'mcp-admin'] },
            { effect: 'deny', tools: ['forbidden'], description: 'forbidden is off limits' },
          ],
        }),
        testCredentials(),
        testFanOut(),
        audit.plugin,
      ],
    }, dir);
  });

  after(async function () {
    for (const client of clients) await client.close().catch(() => undefined);
    await gateway?.stop();
    await tools?.stop();
    await other?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    await gateway.gateway.flushAudit();
    for (const event of audit.events) expect(validate(event), `${JSON.stringify(event)}: ${JSON.stringify(validate.errors)}`).to.equal(true);
  });

  it('publishes a schema whose event types and outcomes are the ones the code knows', function () {
    const properties = auditEventSchema['properties'] as Record<string, { enum?: string[] }>;
    expect(properties['event_type']!.enum).to.deep.equal([...AUDIT_EVENT_TYPES]);
    expect(properties['outcome']!.enum).to.deep.equal([...AUDIT_OUTCOMES]);
    expect(validate({ id: 'not-a-uuid', timestamp: 'yesterday', event_type: 'tool_call', outcome: 'success' })).to.equal(false);
    expect(validate({ id: crypto.randomUUID(), timestamp: new Date().toISOString(), event_type: 'tool_call', outcome: 'success', surprise: 1 })).to.equal(false);
  });

  it('/mcp: session, listings, tool call, resource and prompt, each with who, from where, session, request, duration and size', async function () {
    const mark = audit.events.length;
    const { client, transport } = await connect('/mcp');
    await client.listTools();
    const call = await client.callTool({ name: 'tools__echo', arguments: { text: 'hello', note: `copy of ${CREDENTIAL}`, ...ARGUMENT_SECRETS, nested: { apiKey: 'nested-e2e-5555', keep: 'visible' } } });
    expect(call.isError).to.not.equal(true);
    await client.listResources();
    await client.readResource({ uri: 'tools__docs://readme' });
    await client.listPrompts();
    await client.getPrompt({ name: 'tools__greet', arguments: { name: 'bob' } });
    const completed = await client.complete({ ref: { type: 'ref/prompt', name: 'tools__login' }, argument: { name: 'user', value: 'al' } });
    expect(completed.completion.values).to.deep.equal(['alice', 'albert']);
    await client.complete({ ref: { type: 'ref/prompt', name: 'tools__login' }, argument: { name: 'password', value: 'pw-typed-7777' } });
    const sessionId = transport.sessionId!;
    await transport.terminateSession();

    const events = await eventsSince(mark);
    expect(events.map((event) => event.event_type)).to.include.members(['session_start', 'tools_list', 'tool_call', 'resources_list', 'resource_read', 'prompts_list', 'prompt_get', 'completion', 'session_end']);
    for (const event of events.filter((e) => e.event_type !== 'session_end' && e.event_type !== 'server_status')) {
      expect(event, event.event_type).to.deep.include({ channel: 'mcp', outcome: 'success', principal: { sub: 'api-key:alice', username: 'alice', roles: ['mcp-user'] } });
      expect(event.client?.address, event.event_type).to.match(/127\.0\.0\.1/);
      expect(event.client?.user_agent, event.event_type).to.equal(USER_AGENT);
      expect(event.request_id, event.event_type).to.be.a('string').and.not.empty;
      expect(event.trace_id, event.event_type).to.equal(TRACE_ID);
      if (event.event_type !== 'session_start') expect(event.session_id, event.event_type).to.equal(sessionId);
      if (event.event_type !== 'session_start') expect(event.duration_ms, event.event_type).to.be.a('number').and.at.least(0);
    }
    expect(only(events, 'session_end')[0]).to.deep.include({ session_id: sessionId, channel: 'mcp', principal: { sub: 'api-key:alice', username: 'alice', roles: ['mcp-user'] } });
    expect(only(events, 'session_end')[0]!.duration_ms, 'how long the session lasted').to.be.a('number').and.at.least(0);
    expect(only(events, 'session_end')[0]!.client?.user_agent).to.equal(USER_AGENT);
    expect(new Set(events.map((event) => event.request_id)).size, 'one request id per HTTP request').to.be.greaterThan(5);

    const [toolCall] = only(events, 'tool_call');
    expect(toolCall).to.deep.include({ server: 'tools', tool: 'echo' });
    expect(toolCall!.result_size).to.equal(Buffer.byteLength(JSON.stringify(call)));
    expect(toolCall!.arguments).to.deep.equal({
      text: 'hello', note: 'copy of [REDACTED]', password: '[REDACTED]', token: '[REDACTED]', client_secret: '[REDACTED]', api_key: '[REDACTED]',
      nested: { apiKey: '[REDACTED]', keep: 'visible' },
    });
    expect(only(events, 'resource_read')[0]).to.deep.include({ server: 'tools', resource: 'docs://readme' });
    expect(only(events, 'prompt_get')[0]).to.deep.include({ server: 'tools', prompt: 'greet', arguments: { name: 'bob' } });
    expect(only(events, 'completion').map((event) => event.arguments)).to.deep.equal([{ user: 'al' }, { password: '[REDACTED]' }]);
    expect(only(events, 'completion')[0]).to.deep.include({ server: 'tools', prompt: 'login', outcome: 'success' });
    expect(JSON.stringify(events)).to.not.include('pw-typed-7777');
    expect(JSON.stringify(events)).to.not.include(CREDENTIAL).and.not.include('nested-e2e-5555');
    for (const secret of Object.values(ARGUMENT_SECRETS)) expect(JSON.stringify(events)).to.not.include(secret);
  });

  it('/servers/<name>/mcp: the backend\'s own names, channel server-mcp', async function () {
    const mark = audit.events.length;
    const { client, transport } = await connect('/servers/tools/mcp');
    await client.listTools();
    await client.callTool({ name: 'echo', arguments: { text: 'scoped', token: ARGUMENT_SECRETS.token } });
    await client.readResource({ uri: 'docs://readme' });
    await client.getPrompt({ name: 'greet', arguments: { name: 'carol' } });
    const events = await eventsSince(mark);
    for (const type of ['tools_list', 'tool_call', 'resource_read', 'prompt_get'] as const) {
      const [event] = only(events, type);
      expect(event, type).to.deep.include({ channel: 'server-mcp', server: 'tools', session_id: transport.sessionId, outcome: 'success' });
      expect(event!.principal?.username, type).to.equal('alice');
    }
    expect(only(events, 'tool_call')[0]).to.deep.include({ tool: 'echo', arguments: { text: 'scoped', token: '[REDACTED]' } });
    expect(only(events, 'tool_call')[0]!.result_size).to.be.greaterThan(0);
  });

  it('REST: invoke, listings, resource and prompt, with the caller\'s request id', async function () {
    const mark = audit.events.length;
    const invoked = await rest('/mcp/invoke?mcp_server=tools', { body: { tool_name: 'echo', parameters: { text: 'rest', password: ARGUMENT_SECRETS.password } }, headers: { 'x-request-id': 'rest-call-1' } });
    expect(invoked.status).to.equal(200);
    expect((await rest('/mcp/list-tools?mcp_server=tools')).status).to.equal(200);
    expect((await rest('/mcp/read-resource?mcp_server=tools&uri=docs://readme')).status).to.equal(200);
    expect((await rest(`/mcp/get-prompt?mcp_server=tools&name=greet&arguments=${encodeURIComponent('{"name":"dan"}')}`)).status).to.equal(200);
    const failed = await rest('/mcp/invoke?mcp_server=tools', { body: { tool_name: 'fail' } });
    expect(failed.status).to.equal(200);
    const events = await eventsSince(mark);
    const call = events.find((event) => event.request_id === 'rest-call-1')!;
    expect(call).to.deep.include({ event_type: 'tool_call', channel: 'rest', server: 'tools', tool: 'echo', outcome: 'success', arguments: { text: 'rest', password: '[REDACTED]' } });
    expect(call.client).to.deep.include({ user_agent: USER_AGENT });
    expect(call.result_size).to.be.greaterThan(0);
    expect(call.duration_ms).to.be.at.least(0);
    for (const type of ['tools_list', 'resource_read', 'prompt_get'] as const) expect(only(events, type)[0], type).to.deep.include({ channel: 'rest', outcome: 'success' });
    expect(only(events, 'tool_call').find((event) => event.tool === 'fail')).to.deep.include({ outcome: 'error', error: 'the tool reported an error (isError)' });
  });

  it('failed authentication, on every front door, without the presented key', async function () {
    const mark = audit.events.length;
    const wrongKey = generateApiKey();
    const headers = { 'x-api-key': wrongKey, 'user-agent': USER_AGENT };
    expect((await httpJson(`${gateway.url}/mcp/list-tools?mcp_server=tools`, { headers })).status).to.equal(401);
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const mcpHeaders = { ...headers, accept: 'application/json, text/event-stream' };
    expect((await httpJson(`${gateway.url}/mcp`, { body: initialize, headers: mcpHeaders })).status).to.equal(401);
    expect((await httpJson(`${gateway.url}/servers/tools/mcp`, { body: initialize, headers: mcpHeaders })).status).to.equal(401);
    expect((await httpJson(`${gateway.url}/mcp/list-tools?mcp_server=tools`)).status, 'no credential at all').to.equal(401);
    const failures = only(await eventsSince(mark), 'auth_failure');
    expect(failures.map((event) => event.channel)).to.include.members(['rest', 'mcp', 'server-mcp']);
    expect(failures).to.have.length(4);
    for (const event of failures) {
      expect(event.outcome).to.equal('denied');
      expect(event.principal).to.equal(undefined);
      expect(event.client?.address).to.match(/127\.0\.0\.1/);
      expect(event.request_id).to.be.a('string');
      expect(event.error).to.be.a('string').and.not.empty;
    }
    expect(failures.find((event) => event.channel === 'rest')!.client?.user_agent).to.equal(USER_AGENT);
    expect(JSON.stringify(failures)).to.not.include(wrongKey);
  });

  it('access_denied on every front door; the backend never runs the call', async function () {
    const mark = audit.events.length;
    const { client: aggregated } = await connect('/mcp');
    const { client: scoped } = await connect('/servers/tools/mcp');
    const viaMcp = await aggregated.callTool({ name: 'tools__forbidden', arguments: {} }).then((result) => result, (error: Error) => error);
    const viaScoped = await scoped.callTool({ name: 'forbidden', arguments: {} }).then((result) => result, (error: Error) => error);
    expect(String((viaMcp as Error).message ?? JSON.stringify(viaMcp))).to.include('forbidden is off limits');
    expect(String((viaScoped as Error).message ?? JSON.stringify(viaScoped))).to.include('forbidden is off limits');
    expect((await rest('/mcp/invoke?mcp_server=tools', { body: { tool_name: 'forbidden' } })).status).to.equal(403);
    const events = await eventsSince(mark);
    const denied = only(events, 'access_denied');
    expect(denied.map((event) => event.channel).sort()).to.deep.equal(['mcp', 'rest', 'server-mcp']);
    for (const event of denied) {
      expect(event).to.deep.include({ outcome: 'denied', server: 'tools', tool: 'forbidden', details: { action: 'tools/call' } });
      expect(event.principal?.username).to.equal('alice');
      expect(event.error).to.include('forbidden is off limits');
    }
    expect(only(events, 'tool_call').filter((event) => event.tool === 'forbidden'), 'no tool_call event besides the denial').to.have.length(0);
  });

  it('a multi-target call: one broadcast event and one tool_call per target linked by parent_id', async function () {
    const mark = audit.events.length;
    const result = await rest('/mcp/invoke?mcp_server=tools', { body: { tool_name: 'echo', parameters: { text: 'warm-up' } } });
    expect(result.status).to.equal(200);
    const { client } = await connect('/mcp');
    await client.callTool({ name: 'fanout__echo', arguments: { text: 'all', secret: 'fan-e2e-6666' } });
    const events = await eventsSince(mark);
    const [parent] = only(events, 'broadcast');
    expect(parent).to.deep.include({ tool: 'fanout__echo', outcome: 'success', arguments: { text: 'all', secret: '[REDACTED]' } });
    expect(parent!.details).to.deep.include({ strategy: 'test-all', servers: ['tools', 'other'] });
    const children = only(events, 'tool_call').filter((event) => event.parent_id === parent!.id);
    expect(children.map((event) => event.server).sort()).to.deep.equal(['other', 'tools']);
    expect(children.every((event) => event.session_id === parent!.session_id && event.request_id === parent!.request_id)).to.equal(true);
    expect(JSON.stringify(events)).to.not.include('fan-e2e-6666');
  });

  it('an error from a backend is recorded, and answered, with the resolved credential scrubbed from its text', async function () {
    const mark = audit.events.length;
    const response = await rest('/mcp/read-resource?mcp_server=tools&uri=docs://leak');
    expect(response.status).to.be.at.least(400);
    expect(JSON.stringify(response.body)).to.not.include(CREDENTIAL);
    const [event] = only(await eventsSince(mark), 'resource_read');
    expect(event).to.deep.include({ outcome: 'error', server: 'tools', resource: 'docs://leak' });
    expect(event!.error).to.include('[REDACTED]').and.not.include(CREDENTIAL);
  });

  it('config_change for an admin API change (and its refusal) and for a hot reload', async function () {
    const mark = audit.events.length;
    const refused = await httpJson(`${gateway.url}/mcp/servers`, { body: { name: 'extra', type: 'http', url: other.url }, headers: { 'x-api-key': userKey } });
    expect(refused.status).to.equal(403);
    const registered = await httpJson(`${gateway.url}/mcp/servers`, { body: { name: 'extra', type: 'http', url: other.url }, headers: { 'x-api-key': adminKey, 'user-agent': USER_AGENT } });
    expect(registered.status).to.equal(201);
    await writeFile(serversFile, serversYaml(tools, other));
    await gateway.gateway.reloadServers();
    const events = await eventsSince(mark);
    expect(only(events, 'access_denied').find((event) => event.details?.['action'] === 'admin')?.principal?.username).to.equal('alice');
    const viaApi = only(events, 'config_change').find((event) => event.details?.['action'] === 'server_register')!;
    expect(viaApi).to.deep.include({ outcome: 'success', server: 'extra', channel: 'rest' });
    expect(viaApi.principal?.username).to.equal('root');
    expect(viaApi.client?.user_agent).to.equal(USER_AGENT);
    await waitFor(() => audit.events.some((event) => event.event_type === 'config_change' && (event.details?.['removed'] as string[] | undefined)?.includes('extra')), 'the reload that removed "extra"');
    const reload = audit.events.find((event) => event.event_type === 'config_change' && (event.details?.['removed'] as string[] | undefined)?.includes('extra'))!;
    expect(reload.details).to.deep.include({ action: 'servers_reload' });
    expect(reload.outcome).to.equal('success');
  });

  it('server_status when a backend goes down and comes back', async function () {
    this.timeout(30_000);
    const mark = audit.events.length;
    const { port } = other;
    await other.stop();
    await rest('/mcp/invoke?mcp_server=other', { body: { tool_name: 'echo', parameters: { text: 'x' } } });
    await waitFor(async () => (await eventsSince(mark)).some((event) => event.event_type === 'server_status' && event.server === 'other' && event.details?.['status'] === 'down'), 'server_status down', 10_000);
    other = await startHttpBackend(otherBackend, { name: 'other', port, record: false });
    await waitFor(async () => (await eventsSince(mark)).some((event) => event.event_type === 'server_status' && event.server === 'other' && event.details?.['status'] === 'up'), 'server_status up', 20_000);
    const statuses = only(await eventsSince(mark), 'server_status').filter((event) => event.server === 'other');
    const down = statuses.find((event) => event.details?.['status'] === 'down')!;
    expect(down.outcome).to.equal('error');
    expect(down.error).to.be.a('string').and.not.empty;
    expect(statuses.find((event) => event.details?.['status'] === 'up')!).to.deep.include({ outcome: 'success' });
  });

  it('has seen every event type the schema lists, each valid against it', function () {
    const seen = new Set(audit.events.map((event) => event.event_type));
    expect([...AUDIT_EVENT_TYPES].filter((type) => !seen.has(type))).to.deep.equal([]);
  });
});

describe('audit redaction rules from the config', function () {
  it('redacts the configured keys (and only those) in arguments', async function () {
    const backend = await startHttpBackend(otherBackend, { record: false });
    const audit = auditCollector();
    const gateway = await startGateway({ servers: { other: { type: 'http', url: backend.url } }, audit: { redactKeys: ['customer-ref', 'pin'] }, plugins: [audit.plugin] });
    try {
      const response = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=other`, { body: { tool_name: 'echo', parameters: { text: 'x', customer_ref: 'C-991', Card_PIN: '1234', password: 'plain' } } });
      expect(response.status).to.equal(200);
      await gateway.gateway.flushAudit();
      const event = audit.events.find((e) => e.event_type === 'tool_call')!;
      expect(event.arguments).to.deep.equal({ text: 'x', customer_ref: '[REDACTED]', Card_PIN: '[REDACTED]', password: 'plain' });
    } finally {
      await gateway.stop();
      await backend.stop();
    }
  });
});

describe('audit delivery to the sinks', function () {
  it('a failing sink fails neither the call nor the other sinks, and is logged and shown in /health; a slow sink does not delay the call', async function () {
    const backend = await startHttpBackend(otherBackend, { record: false });
    const audit = auditCollector();
    let slowReceived = 0;
    const broken = definePlugin<object>({ name: 'broken-sink', setup: (context) => context.hooks.audit(() => { throw new Error('disk full'); }) })();
    const slow = definePlugin<object>({ name: 'slow-sink', setup: (context) => context.hooks.audit(async () => { await new Promise((resolve) => setTimeout(resolve, 1_500)); slowReceived++; }) })();
    const gateway = await startGateway({ servers: { other: { type: 'http', url: backend.url } }, plugins: [broken, slow, audit.plugin] });
    const logged: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => logged.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      const started = performance.now();
      const response = await httpJson(`${gateway.url}/mcp/invoke?mcp_server=other`, { body: { tool_name: 'echo', parameters: { text: 'x' } } });
      expect(response.status).to.equal(200);
      expect(performance.now() - started, 'the call does not wait for the slow sink').to.be.below(1_000);
      await waitFor(() => audit.events.some((event) => event.event_type === 'tool_call'), 'the healthy sink to get the event');
      const health = await httpJson(`${gateway.url}/health`);
      expect(health.body.audit_sink_failures['broken-sink'].count).to.be.at.least(1);
      expect(health.body.audit_sink_failures).to.not.have.property('slow-sink');
      expect(JSON.stringify(health.body)).to.not.include('disk full');
      await gateway.gateway.flushAudit();
      expect(slowReceived).to.be.at.least(1);
      expect(logged.join(''), 'the failure is logged').to.match(/audit sink .{0,2}broken-sink.{0,2} failed: disk full/);
    } finally {
      process.stderr.write = write;
      await gateway.stop();
      await backend.stop();
    }
  });
});
