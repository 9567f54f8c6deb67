/**
 * The aggregated endpoint `/mcp` with real backends over stdio (server-everything, server-memory) and Streamable
 * HTTP (an SDK server of our own): names are `<server>__<name>`, everything else — schemas, annotations, results of
 * every content type, `isError`, resources, prompts, completions — is what a direct connection to the backend gives.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ListToolsResultSchema, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfigInput } from '@secure-mcp-gateway/core';
import { z } from 'zod';
import { everythingStdio, memoryStdio, startHttpBackend, type HttpBackend } from './support/backends.js';
import { connectClient } from './support/client.js';
import { connectDirect } from './support/direct-client.js';
import { startGateway, type RunningGateway } from './support/gateway.js';

const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TINY_WAV = Buffer.from('RIFF$\u0000\u0000\u0000WAVEfmt ').toString('base64');

/** A backend whose tools return every content type MCP has, with annotations and `_meta`, and an `isError` result. */
function contentBackend(server: McpServer): void {
  server.registerTool(
    'all-content',
    { title: 'All content types', description: 'Returns one block of every type', annotations: { readOnlyHint: true, openWorldHint: false } },
    async () => ({
      content: [
        { type: 'text', text: 'plain text', annotations: { audience: ['user'], priority: 0.5 } },
        { type: 'image', data: TINY_PNG, mimeType: 'image/png' },
        { type: 'audio', data: TINY_WAV, mimeType: 'audio/wav' },
        { type: 'resource', resource: { uri: 'file:///notes.txt', mimeType: 'text/plain', text: 'embedded text' } },
        { type: 'resource', resource: { uri: 'file:///blob.bin', mimeType: 'application/octet-stream', blob: 'AAEC' } },
        { type: 'resource_link', uri: 'file:///linked.md', name: 'linked', mimeType: 'text/markdown', description: 'a link' },
      ],
      _meta: { 'example.com/trace': 'abc' },
    }),
  );
  server.registerTool(
    'weather',
    {
      description: 'Structured output',
      inputSchema: { city: z.string().describe('City name') },
      outputSchema: { city: z.string(), celsius: z.number() },
      annotations: { idempotentHint: true },
    },
    async ({ city }) => ({ content: [{ type: 'text', text: `${city}: 21` }], structuredContent: { city, celsius: 21 } }),
  );
  server.registerTool('fails', { description: 'Reports a tool error' }, async () => ({
    content: [{ type: 'text', text: 'the disk is full' }],
    isError: true,
  }));
}

/** Enough tools to need more than one page of the gateway's `tools/list`. */
function manyToolsBackend(server: McpServer): void {
  for (let index = 0; index < 520; index++) {
    server.registerTool(`tool-${index}`, { description: `tool number ${index}` }, async () => ({ content: [{ type: 'text', text: String(index) }] }));
  }
}

const withoutName = ({ name: _name, ...rest }: Tool) => rest;

describe('aggregated MCP endpoint /mcp', function () {
  let dir: string;
  let content: HttpBackend;
  let many: HttpBackend;
  let everything: ServerConfigInput;
  let gateway: RunningGateway;
  let client: Client;
  let directEverything: Client;
  let directContent: Client;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gw-aggregate-'));
    content = await startHttpBackend(contentBackend, { name: 'content-backend' });
    many = await startHttpBackend(manyToolsBackend, { name: 'many-backend', record: false });
    everything = everythingStdio();
    gateway = await startGateway({
      servers: {
        everything,
        memory: memoryStdio(join(dir, 'memory.jsonl')),
        content: { type: 'streamable-http', url: content.url, timeout: 10 },
        many: { type: 'http', url: many.url, timeout: 10 },
      },
    });
    [client, directEverything, directContent] = await Promise.all([connectClient(gateway.mcpUrl), connectDirect(everything), connectDirect({ url: content.url })]);
  });

  after(async function () {
    await Promise.all([client?.close(), directEverything?.close(), directContent?.close()]);
    await gateway?.stop();
    await Promise.all([content?.stop(), many?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function allTools(): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await client.listTools(cursor ? { cursor } : {});
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) return tools;
    }
    throw new Error('tools/list did not end within 10 pages');
  }

  describe('listing', function () {
    it('names every backend tool <server>__<tool>, keeping title, description, schemas and annotations', async function () {
      const tools = await allTools();
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      const direct = (await directEverything.listTools()).tools;
      expect(direct.length).to.be.greaterThan(5);
      for (const tool of direct) expect(withoutName(byName.get(`everything__${tool.name}`)!), tool.name).to.deep.equal(withoutName(tool));
      for (const tool of (await directContent.listTools()).tools) expect(withoutName(byName.get(`content__${tool.name}`)!), tool.name).to.deep.equal(withoutName(tool));
      expect(byName.get('content__weather')?.outputSchema?.properties).to.have.keys('city', 'celsius');
      expect(byName.get('everything__echo')?.annotations).to.include({ readOnlyHint: true });
      expect(tools.some((tool) => tool.name.startsWith('memory__'))).to.equal(true);
      expect(tools.filter((tool) => tool.name.startsWith('many__'))).to.have.length(520);
    });

    it('pages tools/list with an opaque cursor and refuses a cursor it did not issue', async function () {
      const first = await client.listTools();
      expect(first.nextCursor, 'more than one page').to.be.a('string');
      const second = await client.listTools({ cursor: first.nextCursor! });
      expect(second.tools.map((tool) => tool.name)).to.not.include.members(first.tools.map((tool) => tool.name));
      const error = await client.listTools({ cursor: 'not-ours' }).then(() => undefined, (caught: McpError) => caught);
      expect(error?.code).to.equal(ErrorCode.InvalidParams);
    });

    it('lists one server with the seed\'s params.server', async function () {
      const result = await client.request({ method: 'tools/list', params: { server: 'memory' } } as never, ListToolsResultSchema);
      expect(result.tools.length).to.be.greaterThan(0);
      expect(result.tools.every((tool) => tool.name.startsWith('memory__'))).to.equal(true);
      expect(result.tools.map((tool) => tool.name)).to.include('memory__create_entities');
      const unknown = await client.request({ method: 'tools/list', params: { server: 'nowhere' } } as never, ListToolsResultSchema).then(() => undefined, (caught: McpError) => caught);
      expect(unknown?.code).to.equal(ErrorCode.InvalidParams);
      expect(unknown?.message).to.contain('unknown server "nowhere"');
    });

    it('answers ping', async function () {
      expect(await client.ping()).to.deep.equal({});
    });
  });

  describe('calling tools', function () {
    for (const [tool, args] of [
      ['echo', { message: 'hello through the gateway' }],
      ['get-sum', { a: 2, b: 40 }],
      ['get-tiny-image', {}],
      ['get-annotated-message', { messageType: 'error', includeImage: true }],
      ['get-resource-reference', { resourceType: 'Text', resourceId: 2 }],
      ['get-resource-links', { count: 2 }],
      ['get-structured-content', { location: 'New York' }],
    ] as const) {
      it(`passes everything/${tool} through unchanged`, async function () {
        const [viaGateway, direct] = await Promise.all([
          client.callTool({ name: `everything__${tool}`, arguments: args }),
          directEverything.callTool({ name: tool, arguments: args }),
        ]);
        // server-everything stamps some resources with the clock time of the call; the two calls may fall in different seconds.
        const withoutClock = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/\d{1,2}:\d{2}:\d{2}(\s?[AP]M)?/g, '<time>')) as unknown;
        expect(withoutClock(viaGateway)).to.deep.equal(withoutClock(direct));
        expect(viaGateway.isError ?? false).to.equal(false);
      });
    }

    it('passes text, image, audio, embedded resources, resource links and _meta through unchanged (HTTP backend)', async function () {
      const [viaGateway, direct] = await Promise.all([client.callTool({ name: 'content__all-content' }), directContent.callTool({ name: 'all-content' })]);
      expect(viaGateway).to.deep.equal(direct);
      expect((viaGateway.content as Array<{ type: string }>).map((block) => block.type)).to.deep.equal(['text', 'image', 'audio', 'resource', 'resource', 'resource_link']);
      expect(viaGateway._meta).to.deep.equal({ 'example.com/trace': 'abc' });
    });

    it('passes structuredContent through', async function () {
      const result = await client.callTool({ name: 'content__weather', arguments: { city: 'Oslo' } });
      expect(result.structuredContent).to.deep.equal({ city: 'Oslo', celsius: 21 });
    });

    it('passes isError through as a result, not a protocol error', async function () {
      const result = await client.callTool({ name: 'content__fails' });
      expect(result).to.deep.equal({ content: [{ type: 'text', text: 'the disk is full' }], isError: true });
    });

    it('uses server-memory over stdio: what one call writes the next call reads', async function () {
      await client.callTool({ name: 'memory__create_entities', arguments: { entities: [{ name: 'Gateway', entityType: 'software', observations: ['routes MCP calls'] }] } });
      const found = await client.callTool({ name: 'memory__search_nodes', arguments: { query: 'Gateway' } });
      expect(JSON.stringify(found.content)).to.contain('routes MCP calls');
    });

    it('refuses an unknown tool and an unknown server with invalid-params errors naming them', async function () {
      for (const name of ['everything__no-such-tool', 'nowhere__echo', 'echo']) {
        const error = await client.callTool({ name, arguments: {} }).then(() => undefined, (caught: McpError) => caught);
        expect(error, name).to.be.instanceOf(McpError);
        expect(error!.code, name).to.equal(ErrorCode.InvalidParams);
        expect(error!.message, name).to.contain(name);
      }
    });

    it('relays the backend\'s own error for bad arguments', async function () {
      const result = await client.callTool({ name: 'content__weather', arguments: { city: 42 } }).then(
        (value) => ({ isError: value.isError === true, text: JSON.stringify(value.content) }),
        (caught: McpError) => ({ isError: true, text: caught.message }),
      );
      expect(result.isError).to.equal(true);
      expect(result.text).to.match(/city/);
    });
  });

  describe('resources', function () {
    it('lists resources and templates under <server>__<uri>', async function () {
      const [resources, templates, direct] = await Promise.all([client.listResources(), client.listResourceTemplates(), directEverything.listResources()]);
      const uris = resources.resources.map((resource) => resource.uri);
      expect(direct.resources.length).to.be.greaterThan(0);
      for (const resource of direct.resources) expect(uris).to.include(`everything__${resource.uri}`);
      expect(templates.resourceTemplates.map((template) => template.uriTemplate)).to.include('everything__demo://resource/dynamic/text/{resourceId}');
    });

    it('reads a listed resource and a templated one, contents as the backend gives them', async function () {
      const first = (await directEverything.listResources()).resources[0]!;
      const [viaGateway, direct] = await Promise.all([client.readResource({ uri: `everything__${first.uri}` }), directEverything.readResource({ uri: first.uri })]);
      expect(viaGateway.contents).to.deep.equal(direct.contents.map((item) => ({ ...item, uri: `everything__${item.uri}` })));
      const templated = await client.readResource({ uri: 'everything__demo://resource/dynamic/text/3' });
      expect(templated.contents[0]).to.include({ uri: 'everything__demo://resource/dynamic/text/3' });
      expect((templated.contents[0] as { text?: unknown }).text).to.be.a('string');
    });

    it('refuses a resource of an unknown server', async function () {
      const error = await client.readResource({ uri: 'nowhere__demo://x' }).then(() => undefined, (caught: McpError) => caught);
      expect(error?.code).to.equal(ErrorCode.InvalidParams);
      expect(error?.message).to.contain('nowhere__demo://x');
    });
  });

  describe('prompts and completion', function () {
    it('lists prompts as <server>__<prompt> with their arguments', async function () {
      const prompts = (await client.listPrompts()).prompts;
      const args = prompts.find((prompt) => prompt.name === 'everything__args-prompt');
      expect(args?.arguments?.map((argument) => argument.name)).to.deep.equal(['city', 'state']);
    });

    it('gets a prompt with arguments', async function () {
      const result = await client.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Paris', state: 'Texas' } });
      expect(result.messages[0]?.content).to.deep.equal({ type: 'text', text: "What's weather in Paris, Texas?" });
    });

    it('completes a prompt argument, with context, and a resource-template variable', async function () {
      const department = await client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: 'Sa' } });
      expect(department.completion.values).to.deep.equal(['Sales']);
      const person = await client.complete({
        ref: { type: 'ref/prompt', name: 'everything__completable-prompt' },
        argument: { name: 'name', value: '' },
        context: { arguments: { department: 'Engineering' } },
      });
      expect(person.completion.values).to.deep.equal(['Alice', 'Bob', 'Charlie']);
      const [viaGateway, direct] = await Promise.all([
        client.complete({ ref: { type: 'ref/resource', uri: 'everything__demo://resource/dynamic/text/{resourceId}' }, argument: { name: 'resourceId', value: '1' } }),
        directEverything.complete({ ref: { type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' }, argument: { name: 'resourceId', value: '1' } }),
      ]);
      expect(viaGateway.completion).to.deep.equal(direct.completion);
    });
  });
});
