/**
 * The `route` hook: turns `broadcast__<tool>`, `broadcast__by_tag__<tag>` and the REST routes' selections into a
 * plan of one target per server. Servers that cannot be called (down, disabled, without the tool) are not targets;
 * when the caller chose them (by tag or by name) they are listed in `meta.skipped` and reported under `errors`.
 * A generated tool the caller could run on fewer than `minServers` servers is refused, as it is not listed to them.
 */
import { BackendUnavailableError, BadRequestError, NotFoundError, type CallerAccess, type RoutePlan, type RouteRequest } from '@secure-mcp-gateway/core';
import type { BroadcastIndex } from './broadcast-index.js';
import { requireEnoughServers, usableServers } from './caller-view.js';
import { normaliseTag, parseBroadcastName, TAG_PREFIX } from './names.js';

export const BROADCAST_STRATEGY = 'broadcast';

/** What the plugin's REST routes pass as route hints: the tool and, optionally, which servers. */
export interface RestSelection {
  tool: string;
  servers?: string[];
  tags?: string[];
}

export interface BroadcastMeta {
  /** The backend tool every target runs. */
  tool: string;
  /** Servers the caller chose that were not called, with why. */
  skipped: Record<string, string>;
}

/** The caller of a routed call: what they may use, and how many usable servers a broadcast needs. */
export interface BroadcastCaller {
  access: CallerAccess;
  minServers: number;
}

export async function planBroadcast(request: RouteRequest, index: BroadcastIndex, caller: BroadcastCaller): Promise<RoutePlan | undefined> {
  if (request.kind !== 'tool') return undefined;
  const selection = request.hints?.['broadcast'] as RestSelection | undefined;
  if (selection) return planSelection(selection, request.arguments, index);
  const parsed = parseBroadcastName(request.name);
  if (!parsed) return undefined;
  if (parsed.kind === 'tag') return planTag(parsed.tag, request, index, caller);
  const group = index.toolGroups.get(parsed.tool);
  if (!group) {
    throw new NotFoundError(`unknown broadcast tool "${request.name}": tool "${parsed.tool}" is not shared by enough up servers`);
  }
  const servers = [...group.definitions.keys()];
  requireEnoughServers(request.name, await usableServers(servers, parsed.tool, caller.access), caller.minServers);
  return plan(parsed.tool, servers, {}, request.arguments);
}

async function planTag(tag: string, request: RouteRequest, index: BroadcastIndex, caller: BroadcastCaller): Promise<RoutePlan> {
  const group = index.tagGroups.get(tag);
  if (!group) {
    const known = [...index.tagGroups.keys()].map((name) => `${TAG_PREFIX}${name}`);
    throw new NotFoundError(`unknown broadcast tool "${request.name}"${known.length ? ` (tag broadcasts: ${known.join(', ')})` : ''}`);
  }
  requireEnoughServers(request.name, await usableServers(group.servers, undefined, caller.access), caller.minServers);
  const { tool_name: tool, arguments: args } = request.arguments ?? {};
  if (typeof tool !== 'string' || tool === '') throw new BadRequestError(`"${request.name}" needs "tool_name": the tool to run on every server tagged "${group.spellings.join('", "')}"`);
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) throw new BadRequestError('"arguments" must be a JSON object');
  return chosen(tool, group.servers, args as Record<string, unknown> | undefined, index, { explicit: false, what: `tagged "${group.spellings.join('", "')}"` });
}

function planSelection(selection: RestSelection, args: Record<string, unknown> | undefined, index: BroadcastIndex): RoutePlan {
  const { tool, servers, tags } = selection;
  for (const server of servers ?? []) if (!index.backend(server)) throw new NotFoundError(`unknown server "${server}"`);
  const excludedTag = (tags ?? []).find((tag) => index.isTagExcluded(tag));
  if (excludedTag) throw new BadRequestError(`tag "${excludedTag}" is excluded from broadcasts`);
  const wanted = (tags ?? []).map(normaliseTag);
  const tagged = (server: string) => index.backend(server)!.tags.some((tag) => wanted.includes(normaliseTag(tag)));
  if (servers?.length) {
    return chosen(tool, tags?.length ? servers.filter(tagged) : servers, args, index, { explicit: true, what: 'of those named' });
  }
  if (tags?.length) {
    const members = index.serverNames().filter((server) => index.backend(server)!.enabled && tagged(server));
    return chosen(tool, members, args, index, { explicit: false, what: `tagged "${tags.join('", "')}"` });
  }
  const providers = index.serverNames().filter((server) => index.provides(server, tool));
  return chosen(tool, providers, args, index, { explicit: false, what: 'that is up' });
}

/**
 * Targets among `servers`: those up and providing the tool. Down or disabled ones are reported as skipped; so are
 * up ones without the tool when the caller named them (a tag or "all servers" quietly leaves those out).
 */
function chosen(tool: string, servers: readonly string[], args: Record<string, unknown> | undefined, index: BroadcastIndex, how: { explicit: boolean; what: string }): RoutePlan {
  if (index.isToolExcluded(tool)) throw new BadRequestError(`tool "${tool}" is excluded from broadcasts`);
  const targets: string[] = [];
  const skipped: Record<string, string> = {};
  let unavailable = false;
  for (const server of servers) {
    const backend = index.backend(server)!;
    if (backend.status !== 'up') {
      skipped[server] = `server "${server}" is ${backend.status}, not called`;
      unavailable = true;
    } else if (index.provides(server, tool)) targets.push(server);
    else if (how.explicit) skipped[server] = `server "${server}" has no tool "${tool}"`;
  }
  if (targets.length === 0) {
    const reasons = Object.values(skipped);
    // Only a server that is down makes this a gateway problem (502); named servers that lack the tool are a 404.
    if (unavailable) throw new BackendUnavailableError(`no server ${how.what} can run "${tool}": ${reasons.join('; ')}`);
    throw new NotFoundError(`no server ${how.what} provides tool "${tool}"${reasons.length ? `: ${reasons.join('; ')}` : ''}`);
  }
  return plan(tool, targets, skipped, args);
}

function plan(tool: string, servers: readonly string[], skipped: Record<string, string>, args: Record<string, unknown> | undefined): RoutePlan {
  const meta: BroadcastMeta = { tool, skipped };
  return {
    strategy: BROADCAST_STRATEGY,
    targets: servers.map((server) => ({ server, name: tool, ...(args ? { arguments: args } : {}) })),
    meta: meta as unknown as Record<string, unknown>,
  };
}
