/**
 * The tool catalog as the caller may use it: `GET /tools` (aggregated names, broadcast tools included) when the
 * gateway has it, otherwise each server's own list. Tags come from the servers.
 */
import { ApiError, type Api } from './api';
import type { CatalogTool, ServerInfo, ToolInfo } from './types';

const SEPARATOR = '__';
const BROADCAST = `broadcast${SEPARATOR}`;
const BY_TAG = `${BROADCAST}by_tag${SEPARATOR}`;

export interface Catalog {
  tools: CatalogTool[];
  servers: ServerInfo[];
  /** False when the gateway has no aggregated catalog (broadcast tools are then not offered). */
  aggregated: boolean;
}

export async function loadCatalog(api: Api): Promise<Catalog> {
  const { servers } = await api.get<{ servers: ServerInfo[] }>('/mcp/servers');
  const tagsOf = new Map(servers.map((server) => [server.name, server.tags]));
  try {
    const { tools } = await api.get<{ tools: ToolInfo[] }>('/tools');
    return { tools: tools.map((tool) => fromAggregated(tool, tagsOf)).sort(byName), servers, aggregated: true };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const usable = servers.filter((server) => server.enabled && server.status === 'up');
  const lists = await Promise.all(
    usable.map(async (server) => {
      const { tools } = await api.get<{ tools: ToolInfo[] }>(`/mcp/list-tools?mcp_server=${encodeURIComponent(server.name)}`);
      return tools.map((tool): CatalogTool => ({ ...tool, qualifiedName: `${server.name}${SEPARATOR}${tool.name}`, toolName: tool.name, server: server.name, broadcast: false, tags: server.tags }));
    }),
  );
  return { tools: lists.flat().sort(byName), servers, aggregated: false };
}

function fromAggregated(tool: ToolInfo, tagsOf: Map<string, string[]>): CatalogTool {
  if (tool.name.startsWith(BROADCAST)) {
    const tag = tool.name.startsWith(BY_TAG) ? tool.name.slice(BY_TAG.length) : undefined;
    return { ...tool, qualifiedName: tool.name, toolName: tool.name.slice(BROADCAST.length), server: null, broadcast: true, tags: tag ? [tag] : [] };
  }
  const at = tool.name.indexOf(SEPARATOR);
  const server = at > 0 ? tool.name.slice(0, at) : null;
  const toolName = at > 0 ? tool.name.slice(at + SEPARATOR.length) : tool.name;
  return { ...tool, qualifiedName: tool.name, toolName, server, broadcast: false, tags: (server ? tagsOf.get(server) : undefined) ?? [] };
}

const byName = (a: CatalogTool, b: CatalogTool) => a.qualifiedName.localeCompare(b.qualifiedName);

/** Tags are matched after the gateway's normalisation (`elk-cluster` → `elk_cluster`). */
export const normaliseTag = (tag: string) => tag.toLowerCase().replace(/[^a-z0-9_]/g, '_');
