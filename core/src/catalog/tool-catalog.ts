import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { BackendRegistry } from '../backends/backend-registry.js';
import { describeError } from '../errors.js';
import type { CatalogTool } from '../hooks.js';
import type { HookBus } from '../hook-bus.js';
import type { Logger } from '../logging/logger.js';
import { qualifiedName } from './names.js';

/**
 * The aggregated tool list: every up backend's tools as `<server>__<tool>` (schemas, annotations and descriptions
 * unchanged), then the `catalog` waterfall (e.g. generated broadcast tools). Built when backends change, never per
 * request; listeners learn of each rebuild so sessions can send `notifications/tools/list_changed`.
 */
export class ToolCatalog {
  private tools: CatalogTool[] = [];
  private byName = new Map<string, CatalogTool>();
  private readonly listeners = new Set<() => void>();
  private rebuilding: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: BackendRegistry,
    private readonly hooks: HookBus,
    private readonly logger: Logger,
  ) {
    registry.onChange(() => void this.rebuild());
  }

  list(): readonly CatalogTool[] {
    return this.tools;
  }

  get(name: string): CatalogTool | undefined {
    return this.byName.get(name);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rebuilds in order (a rebuild never overtakes an earlier one). */
  rebuild(): Promise<void> {
    this.rebuilding = this.rebuilding.then(() => this.build());
    return this.rebuilding;
  }

  private async build(): Promise<void> {
    const backends = this.registry.snapshots();
    const base: CatalogTool[] = backends.flatMap((backend) =>
      backend.tools.map((tool): CatalogTool => ({
        tool: { ...tool, name: qualifiedName(backend.name, tool.name) } as Tool,
        server: backend.name,
        originalName: tool.name,
      })),
    );
    let tools = base;
    try {
      tools = await this.hooks.runCatalog(base, { backends });
    } catch (error) {
      this.logger.error(`catalog hook failed; serving backend tools only: ${describeError(error)}`);
    }
    const previous = this.signature();
    this.tools = tools;
    this.byName = new Map(tools.map((entry) => [entry.tool.name, entry]));
    if (this.signature() !== previous) for (const listener of this.listeners) listener();
  }

  private signature(): string {
    return JSON.stringify(this.tools.map((entry) => entry.tool));
  }
}
