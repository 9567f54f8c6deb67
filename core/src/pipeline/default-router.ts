import type { BackendRegistry } from '../backends/backend-registry.js';
import { splitQualifiedName } from '../catalog/names.js';
import type { ToolCatalog } from '../catalog/tool-catalog.js';
import { NotFoundError } from '../errors.js';
import type { RoutePlan, RouteRequest } from '../hooks.js';

const NOUN = { tool: 'tool', resource: 'resource', prompt: 'prompt' } as const;

/**
 * The core's router, used when no `route` plugin claims a name: on a transparent endpoint the name is the
 * backend's own; on the aggregated endpoint it is `<server>__<name>`, looked up in the catalog (tools) or split
 * against the known server names.
 */
export function defaultRoute(request: RouteRequest, registry: BackendRegistry, catalog: ToolCatalog): RoutePlan {
  const args = request.arguments ? { arguments: request.arguments } : {};
  if (request.server) return { strategy: 'single', targets: [{ server: request.server, name: request.name, ...args }] };
  if (request.kind === 'tool') {
    const entry = catalog.get(request.name);
    if (entry?.server && entry.originalName) {
      return { strategy: 'single', targets: [{ server: entry.server, name: entry.originalName, ...args }] };
    }
  }
  const split = splitQualifiedName(request.name, (server) => registry.has(server));
  if (!split) {
    throw new NotFoundError(`unknown ${NOUN[request.kind]} "${request.name}" (expected "<server>__<name>")`);
  }
  // An up server's tool list is known: anything else is unknown here, not something to ask the backend about. (The
  // list itself is asked, not the catalog, which is rebuilt a moment after a backend (re)connects.)
  const backend = registry.snapshot(split.server);
  if (request.kind === 'tool' && backend.status === 'up' && !backend.tools.some((tool) => tool.name === split.name)) {
    throw new NotFoundError(`unknown tool "${request.name}": server "${split.server}" has no tool "${split.name}"`);
  }
  return { strategy: 'single', targets: [{ server: split.server, name: split.name, ...args }] };
}
