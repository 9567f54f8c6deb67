/**
 * Who can answer what, as of the last catalog build: the tools each up server provides, the shared tools that get a
 * `broadcast__<tool>`, and the tags that get a `broadcast__by_tag__<tag>`. Built in the `catalog` hook, so the
 * generated tools and the routing of calls to them always agree.
 */
import picomatch from 'picomatch';
import type { BackendSnapshot, CatalogTool } from '@secure-mcp-gateway/core';
import type { Tool } from './mcp-types.js';
import { collidesWithTagBroadcasts, normaliseTag } from './names.js';
import type { ResolvedBroadcastOptions } from './options.js';

/** A tool shared by enough servers: each server's own definition of it, by server name (sorted). */
export interface ToolGroup {
  tool: string;
  definitions: ReadonlyMap<string, Tool>;
}

/** A (normalised) tag on enough enabled servers. */
export interface TagGroup {
  tag: string;
  /** The tags as the servers' config writes them, e.g. `elk-cluster`. */
  spellings: string[];
  servers: string[];
}

export class BroadcastIndex {
  private constructor(
    /** Server → the tools it provides (up servers only; a down server's tools are unknown). */
    private readonly provided: ReadonlyMap<string, ReadonlyMap<string, Tool>>,
    private readonly backends: ReadonlyMap<string, BackendSnapshot>,
    readonly toolGroups: ReadonlyMap<string, ToolGroup>,
    readonly tagGroups: ReadonlyMap<string, TagGroup>,
    private readonly excluded: { tool(name: string): boolean; tag(name: string): boolean },
  ) {}

  static empty(options: ResolvedBroadcastOptions): BroadcastIndex {
    return BroadcastIndex.build([], [], options);
  }

  static build(catalog: readonly CatalogTool[], backends: readonly BackendSnapshot[], options: ResolvedBroadcastOptions): BroadcastIndex {
    const excludedTool = matcher(options.excludeTools);
    // Tags are compared after normalisation, so `elk-*` also excludes `elk_cluster` and `ELK-Cluster`.
    const excludedTag = matcher(options.excludeTags.map((glob) => glob.toLowerCase().replace(/[^a-z0-9_*?]/g, '_')));
    const excluded = { tool: excludedTool, tag: (name: string) => excludedTag(normaliseTag(name)) };
    const snapshots = new Map(backends.map((backend) => [backend.name, backend]));

    const provided = new Map<string, Map<string, Tool>>();
    for (const entry of catalog) {
      if (!entry.server || !entry.originalName || snapshots.get(entry.server)?.status !== 'up') continue;
      const tools = provided.get(entry.server) ?? new Map<string, Tool>();
      tools.set(entry.originalName, { ...entry.tool, name: entry.originalName });
      provided.set(entry.server, tools);
    }

    const byTool = new Map<string, Map<string, Tool>>();
    for (const [server, tools] of [...provided].sort(([a], [b]) => a.localeCompare(b))) {
      for (const [name, tool] of tools) byTool.set(name, (byTool.get(name) ?? new Map()).set(server, tool));
    }
    const toolGroups = new Map<string, ToolGroup>();
    for (const [tool, definitions] of [...byTool].sort(([a], [b]) => a.localeCompare(b))) {
      if (definitions.size >= options.minServers && !excluded.tool(tool) && !collidesWithTagBroadcasts(tool)) toolGroups.set(tool, { tool, definitions });
    }

    const byTag = new Map<string, TagGroup>();
    for (const backend of [...backends].sort((a, b) => a.name.localeCompare(b.name))) {
      if (!backend.enabled) continue;
      for (const spelling of backend.tags) {
        if (excluded.tag(spelling)) continue;
        const tag = normaliseTag(spelling);
        const group = byTag.get(tag) ?? { tag, spellings: [], servers: [] };
        if (!group.spellings.includes(spelling)) group.spellings.push(spelling);
        if (!group.servers.includes(backend.name)) group.servers.push(backend.name);
        byTag.set(tag, group);
      }
    }
    const tagGroups = new Map([...byTag].filter(([, group]) => group.servers.length >= options.minServers).sort(([a], [b]) => a.localeCompare(b)));
    return new BroadcastIndex(provided, snapshots, toolGroups, tagGroups, excluded);
  }

  provides(server: string, tool: string): boolean {
    return this.provided.get(server)?.has(tool) ?? false;
  }

  /** The tools of some servers, with how many of them provide each (for a tag broadcast's description). */
  toolsOf(servers: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const server of servers) for (const tool of this.provided.get(server)?.keys() ?? []) counts.set(tool, (counts.get(tool) ?? 0) + 1);
    return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  backend(server: string): BackendSnapshot | undefined {
    return this.backends.get(server);
  }

  serverNames(): string[] {
    return [...this.backends.keys()];
  }

  isToolExcluded(tool: string): boolean {
    return this.excluded.tool(tool);
  }

  isTagExcluded(tag: string): boolean {
    return this.excluded.tag(tag);
  }
}

function matcher(globs: readonly string[]): (name: string) => boolean {
  return globs.length ? picomatch([...globs], { dot: true }) : () => false;
}
