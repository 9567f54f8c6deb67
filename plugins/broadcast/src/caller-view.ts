/**
 * What one caller may use of a broadcast: the servers it may reach, as the call path checks each target (`server/access`
 * on the server and, when the tool is known, `tools/call` on the tool there). Listings and calls ask the same question,
 * so a caller never sees a server it may not use, nor a broadcast it could not run on `minServers` servers.
 */
import { AccessDeniedError, type CallerAccess, type PluginContext, type RouteRequest } from '@secure-mcp-gateway/core';
import type { BroadcastIndex } from './broadcast-index.js';

export async function usableServers(servers: readonly string[], tool: string | undefined, access: CallerAccess): Promise<string[]> {
  const allowed = await Promise.all(servers.map(async (server) =>
    (await access('server/access', { server })) && (tool === undefined || (await access('tools/call', { server, tool })))));
  return servers.filter((_, index) => allowed[index]);
}

/** The tools the caller may run on some servers, with how many of those servers provide each (sorted by name). */
export async function usableToolsOf(servers: readonly string[], index: BroadcastIndex, access: CallerAccess): Promise<Map<string, number>> {
  const pairs = [...index.toolsOf(servers).keys()].flatMap((tool) => servers.filter((server) => index.provides(server, tool)).map((server) => ({ server, tool })));
  const allowed = await Promise.all(pairs.map(({ server, tool }) => access('tools/call', { server, tool })));
  const counts = new Map<string, number>();
  pairs.forEach(({ tool }, position) => {
    if (allowed[position]) counts.set(tool, (counts.get(tool) ?? 0) + 1);
  });
  return counts;
}

/** The access of the caller of a routed request, through the plugin's `authorize`. */
export function requestAccess(context: PluginContext<unknown>, request: RouteRequest): CallerAccess {
  const who = { principal: request.principal, ...(request.request ? { request: request.request } : {}) };
  return async (action, target) => (await context.authorize({ ...who, action, target })).allow;
}

/** Refuses a broadcast the caller could run on fewer than `minServers` servers (it is not listed to them either). */
export function requireEnoughServers(name: string, usable: readonly string[], minServers: number): void {
  if (usable.length >= minServers) return;
  throw new AccessDeniedError(
    `"${name}" is not available to you: you may use ${usable.length === 0 ? 'none' : `only ${usable.length}`} of its servers${usable.length ? ` (${usable.join(', ')})` : ''}, and a broadcast needs at least ${minServers}`,
  );
}
