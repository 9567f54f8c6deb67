/** The generated tools' definitions: name, description (which servers it reaches), input and output schema, per caller. */
import type { CallerAccess, CatalogTool } from '@secure-mcp-gateway/core';
import { BROADCAST_OUTPUT_SCHEMA } from './broadcast-result.js';
import type { BroadcastIndex, TagGroup, ToolGroup } from './broadcast-index.js';
import { usableServers, usableToolsOf } from './caller-view.js';
import { reconcileInputSchemas } from './input-schema.js';
import type { Tool } from './mcp-types.js';
import { tagBroadcastName, toolBroadcastName } from './names.js';

const RESULT_NOTE = 'Returns every server\'s answer by name; a failing, slow or denied server is reported under errors and does not fail the others.';

/**
 * Every generated tool as it is for a caller who may use all its servers, and `viewFor`, which narrows it to the
 * servers one caller may use (or hides it when fewer than `minServers` remain). The core applies the view only
 * when an `authorize` handler is registered.
 */
export function broadcastTools(index: BroadcastIndex, plugin: string, minServers: number): CatalogTool[] {
  return [
    ...[...index.toolGroups.values()].map((group): CatalogTool => {
      const shared = toolBroadcast(group);
      return { tool: shared, generatedBy: plugin, viewFor: (access) => toolBroadcastFor(group, shared, access, minServers) };
    }),
    ...[...index.tagGroups.values()].map((group): CatalogTool => {
      const shared = tagBroadcast(group, index.toolsOf(group.servers));
      return { tool: shared, generatedBy: plugin, viewFor: (access) => tagBroadcastFor(group, shared, index, access, minServers) };
    }),
  ];
}

async function toolBroadcastFor(group: ToolGroup, shared: Tool, access: CallerAccess, minServers: number): Promise<Tool | undefined> {
  const servers = await usableServers([...group.definitions.keys()], group.tool, access);
  if (servers.length < minServers) return undefined;
  if (servers.length === group.definitions.size) return shared;
  return toolBroadcast({ tool: group.tool, definitions: new Map(servers.map((server) => [server, group.definitions.get(server)!])) });
}

async function tagBroadcastFor(group: TagGroup, shared: Tool, index: BroadcastIndex, access: CallerAccess, minServers: number): Promise<Tool | undefined> {
  const servers = await usableServers(group.servers, undefined, access);
  if (servers.length < minServers) return undefined;
  const tools = await usableToolsOf(servers, index, access);
  const all = index.toolsOf(group.servers);
  const unchanged = servers.length === group.servers.length && tools.size === all.size && [...all].every(([tool, count]) => tools.get(tool) === count);
  return unchanged ? shared : tagBroadcast({ ...group, servers }, tools);
}

function toolBroadcast(group: ToolGroup): Tool {
  const servers = [...group.definitions.keys()];
  const definitions = [...group.definitions.values()];
  const { schema, note } = reconcileInputSchemas(servers.map((server) => ({ server, schema: group.definitions.get(server)!.inputSchema })));
  const first = definitions[0]!;
  const annotations = sharedAnnotations(definitions);
  return {
    name: toolBroadcastName(group.tool),
    title: `${first.title ?? group.tool} (every server)`,
    description: [
      `[BROADCAST] Call '${group.tool}' on all ${servers.length} servers that provide it, at once: ${servers.join(', ')}.`,
      RESULT_NOTE,
      ...(first.description ? [`The tool: ${sentence(first.description)}`] : []),
      ...(note ? [note] : []),
    ].join(' '),
    inputSchema: schema,
    outputSchema: BROADCAST_OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
    ...(annotations ? { annotations } : {}),
  };
}

function tagBroadcast(group: TagGroup, tools: ReadonlyMap<string, number>): Tool {
  const toolList = [...tools].map(([tool, count]) => `${tool} (${count})`).join(', ');
  return {
    name: tagBroadcastName(group.tag),
    title: `Any tool on servers tagged ${group.spellings.join(' / ')}`,
    description: [
      `[BROADCAST] Call one tool on every server tagged '${group.spellings.join("' / '")}' that provides it (${group.servers.length} servers: ${group.servers.join(', ')}).`,
      RESULT_NOTE,
      toolList ? `Tools on these servers (and how many provide each): ${toolList}.` : 'None of these servers is up right now.',
    ].join(' '),
    inputSchema: {
      type: 'object',
      properties: {
        tool_name: { type: 'string', description: 'The tool to run, as the servers name it (e.g. search_logs)', ...(tools.size ? { enum: [...tools.keys()] } : {}) },
        arguments: { type: 'object', description: 'Its arguments, sent unchanged to every server', additionalProperties: true, default: {} },
      },
      required: ['tool_name'],
    },
    outputSchema: BROADCAST_OUTPUT_SCHEMA as unknown as Tool['outputSchema'],
  };
}

/** A broadcast is read-only only when every copy is, and destructive when any copy is. */
function sharedAnnotations(definitions: readonly Tool[]): Tool['annotations'] | undefined {
  const all = (key: 'readOnlyHint' | 'idempotentHint') => definitions.every((tool) => tool.annotations?.[key] === true);
  const any = (key: 'destructiveHint' | 'openWorldHint') => definitions.some((tool) => tool.annotations?.[key] === true);
  const annotations = {
    ...(all('readOnlyHint') ? { readOnlyHint: true } : {}),
    ...(all('idempotentHint') ? { idempotentHint: true } : {}),
    ...(any('destructiveHint') ? { destructiveHint: true } : {}),
    ...(any('openWorldHint') ? { openWorldHint: true } : {}),
  };
  return Object.keys(annotations).length ? annotations : undefined;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
