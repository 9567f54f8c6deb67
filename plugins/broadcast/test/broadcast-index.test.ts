import { expect } from 'chai';
import type { BackendSnapshot, CatalogTool } from '@secure-mcp-gateway/core';
import { BroadcastIndex, normaliseTag, reconcileInputSchemas, tagBroadcastName } from '@secure-mcp-gateway/plugin-broadcast';

const DEFAULTS = { minServers: 2, excludeTools: [] as string[], excludeTags: [] as string[], concurrency: 16, deadlineSeconds: 60 };
type InputSchema = Parameters<typeof reconcileInputSchemas>[0][number]['schema'];

function backend(name: string, tags: string[], tools: string[], status: BackendSnapshot['status'] = 'up'): BackendSnapshot {
  return { name, enabled: status !== 'disabled', status, tags, timeoutMs: 60_000, tools: tools.map((tool) => ({ name: tool, inputSchema: { type: 'object' } })) };
}

/** The catalog the core builds from up backends: `<server>__<tool>` entries. */
function catalogOf(backends: BackendSnapshot[]): CatalogTool[] {
  return backends.flatMap((b) => b.tools.map((tool) => ({ tool: { ...tool, name: `${b.name}__${tool.name}` }, server: b.name, originalName: tool.name })));
}

function index(backends: BackendSnapshot[], options: Partial<typeof DEFAULTS> = {}) {
  return BroadcastIndex.build(catalogOf(backends), backends, { ...DEFAULTS, ...options });
}

describe('broadcast names', function () {
  it('normalises tags to [a-z0-9_]', function () {
    expect(normaliseTag('elk-cluster')).to.equal('elk_cluster');
    expect(normaliseTag('Prod.EU west')).to.equal('prod_eu_west');
    expect(tagBroadcastName('us-west-1')).to.equal('broadcast__by_tag__us_west_1');
  });
});

describe('broadcast index', function () {
  const servers = [
    backend('elk-1', ['logging', 'elk-cluster'], ['search_logs', 'health']),
    backend('elk-2', ['logging', 'elk_cluster'], ['search_logs', 'delete_index']),
    backend('elk-3', ['logging'], ['search_logs', 'delete_index'], 'down'),
    backend('db', ['database'], ['health', 'by_tag__logging']),
    backend('old', ['database', 'logging'], ['health'], 'disabled'),
  ];

  it('groups tools shared by minServers up servers, and tags on minServers enabled servers (down ones included)', function () {
    const built = index(servers);
    expect([...built.toolGroups.keys()]).to.deep.equal(['health', 'search_logs']); // delete_index: elk-3 is down
    expect([...built.toolGroups.get('search_logs')!.definitions.keys()]).to.deep.equal(['elk-1', 'elk-2']);
    expect(built.tagGroups.get('logging')!.servers).to.deep.equal(['elk-1', 'elk-2', 'elk-3']);
    expect(built.tagGroups.get('elk_cluster')).to.deep.equal({ tag: 'elk_cluster', spellings: ['elk-cluster', 'elk_cluster'], servers: ['elk-1', 'elk-2'] });
    expect(built.tagGroups.has('database'), 'one enabled server').to.equal(false);
  });

  it('leaves out excluded tools and tags (globs; tags compared normalised) and honours minServers', function () {
    const built = index(servers, { excludeTools: ['delete_*'], excludeTags: ['elk-*'] });
    expect([...built.toolGroups.keys()]).to.deep.equal(['health', 'search_logs']);
    expect([...built.tagGroups.keys()]).to.deep.equal(['logging']);
    expect(built.isTagExcluded('elk_cluster')).to.equal(true);
    expect([...index(servers, { minServers: 3 }).toolGroups.keys()]).to.deep.equal([]);
  });

  it('never lets a shared tool named by_tag__<x> take the name of a tag broadcast', function () {
    const built = index([...servers, backend('db-2', [], ['by_tag__logging'])]);
    expect(built.toolGroups.has('by_tag__logging')).to.equal(false);
  });
});

describe('broadcast input schema', function () {
  const query: InputSchema = { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] };

  it('keeps the schema when the servers agree (key order aside)', function () {
    const reordered: InputSchema = { required: ['query'], properties: { query: { type: 'string' } }, type: 'object' };
    expect(reconcileInputSchemas([{ server: 'a', schema: query }, { server: 'b', schema: reordered }])).to.deep.equal({ schema: query });
  });

  it('takes the union when they differ, and says so', function () {
    const other: InputSchema = { type: 'object', properties: { query: { type: 'string', maxLength: 50 }, since: { type: 'string' } }, required: ['since'] };
    const { schema, note } = reconcileInputSchemas([{ server: 'a', schema: query }, { server: 'b', schema: other }]);
    expect(schema).to.deep.equal({
      type: 'object',
      properties: { query: { anyOf: [{ type: 'string' }, { type: 'string', maxLength: 50 }] }, since: { type: 'string' } },
      required: ['query', 'since'],
    });
    expect(note).to.include('differ (a | b)').and.include('union');
  });
});
