/**
 * The custom gateway starts as its README says, and a real MCP client (the SDK's) calls a tool through it with an
 * API key; the call is authorized, scoped by the client-tag plugin and written to the audit file.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Gateway } from '@secure-mcp-gateway/core';
import { generateApiKey, hashApiKey } from '@secure-mcp-gateway/plugin-api-key';
import { buildGateway } from '../src/gateway.js';

describe('examples/custom-gateway', function () {
  let dir: string;
  let gateway: Gateway;
  let url: string;
  const key = generateApiKey();

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'custom-gateway-'));
    gateway = await buildGateway({ port: 0, ciKeyHash: hashApiKey(key), auditFile: join(dir, 'audit.jsonl'), dataDir: dir, logLevel: 'error' });
    ({ url } = await gateway.start());
  });

  after(async function () {
    await gateway?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves MCP to a client with an API key: lists its servers\' tools and calls one', async function () {
    const client = new Client({ name: 'ci-pipeline', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { 'x-api-key': key, 'x-mcp-client': 'ci' } } }));
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).to.include('everything__echo');
      expect(names.filter((name) => name.startsWith('memory__')), 'client-tag hides the notes servers from ci').to.deep.equal([]);
      const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'from a custom gateway' } });
      expect(result.content).to.deep.equal([{ type: 'text', text: 'Echo: from a custom gateway' }]);
    } finally {
      await client.close();
    }
  });

  it('refuses callers without a key (401) and applies the access rules (403)', async function () {
    const anonymous = await fetch(`${url}/mcp/servers`);
    expect(anonymous.status).to.equal(401);
    const deleting = await fetch(`${url}/mcp/invoke?mcp_server=memory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-mcp-client': 'notes-app' },
      body: JSON.stringify({ tool_name: 'delete_entities', parameters: { entityNames: ['x'] } }),
    });
    expect(deleting.status).to.equal(403);
    expect(((await deleting.json()) as { message: string }).message).to.include('memory is append-only for machines');
  });

  it('records the call in the audit file with the caller', async function () {
    await gateway.flushAudit();
    const events = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    const call = events.find((event) => event['event_type'] === 'tool_call' && event['tool'] === 'echo');
    expect(call).to.deep.include({ server: 'everything', outcome: 'success' });
    expect(call!['principal']).to.deep.include({ sub: 'api-key:ci', username: 'ci-pipeline' });
    expect(call!['arguments']).to.deep.equal({ message: 'from a custom gateway' });
  });
});
