/**
 * The one request path, shared by `/mcp`, `/servers/<name>/mcp` and REST. A tool call reads top to bottom:
 * (authenticated principal) → route → fanOut → per target: authorize → connection (credentials) → backend → audit.
 */
import { randomUUID } from 'node:crypto';
import type {
  CallToolResult,
  CompleteRequest,
  CompleteResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { AuditBus, AuditInput } from '../audit/audit-bus.js';
import type { AuditEventType } from '../audit/audit-event.js';
import type { CallOptions } from '../backends/backend-connection.js';
import type { BackendRegistry, SessionRelay } from '../backends/backend-registry.js';
import { qualifiedName } from '../catalog/names.js';
import type { ToolCatalog } from '../catalog/tool-catalog.js';
import { BackendUnavailableError, BadRequestError, type GatewayError, isGatewayError, NotFoundError, PluginError } from '../errors.js';
import type { AuthorizeAction, CallerAccess, CallKind, CatalogTool, FanOutContext, RoutePlan, RouteTarget, TargetOutcome } from '../hooks.js';
import type { HookBus } from '../hook-bus.js';
import type { Principal } from '../principal.js';
import type { RequestInfo } from '../request-info.js';
import { alreadyAudited, type AccessControl } from './access-control.js';
import { defaultRoute } from './default-router.js';

/** Everything the path needs to know about one incoming call. */
export interface CallContext {
  principal: Principal;
  request: RequestInfo;
  signal?: AbortSignal;
  /** Handed to `route` handlers as `hints` (set by plugin routes only, never from a client's message). */
  routeHints?: Record<string, unknown>;
  /** Set on `/servers/<name>/mcp`: names are that backend's own. */
  server?: string;
  /** Present when the client session can answer server→client requests. */
  relay?: SessionRelay;
  onProgress?: CallOptions['onprogress'];
}

export interface PipelineDeps {
  hooks: HookBus;
  registry: BackendRegistry;
  catalog: ToolCatalog;
  access: AccessControl;
  audit: AuditBus;
}

export class CallPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async callTool(context: CallContext, name: string, args?: Record<string, unknown>): Promise<CallToolResult> {
    const plan = await this.plan(context, 'tool', name, args);
    if (plan.strategy === 'single' && plan.targets.length === 1) {
      const outcome = await this.runTarget(context, plan.targets[0]!, name);
      if (!outcome.ok) throw outcome.error;
      return outcome.result;
    }
    return this.runFanOut(context, plan, name, args);
  }

  async readResource(context: CallContext, uri: string): Promise<ReadResourceResult> {
    const target = await this.singleTarget(context, 'resource', uri);
    return this.audited(context, 'resource_read', { server: target.server, resource: target.name }, async () => {
      await this.deps.access.require({ ...this.who(context), action: 'resources/read', target: { server: target.server, resource: target.name } });
      const result = await this.connection(context, target.server).readResource(target.name, this.callOptions(context));
      if (context.server) return result;
      return { ...result, contents: result.contents.map((content) => ({ ...content, uri: qualifiedName(target.server, content.uri) })) };
    });
  }

  async getPrompt(context: CallContext, name: string, args?: Record<string, string>): Promise<GetPromptResult> {
    const target = await this.singleTarget(context, 'prompt', name);
    return this.audited(context, 'prompt_get', { server: target.server, prompt: target.name, arguments: args }, async () => {
      await this.deps.access.require({ ...this.who(context), action: 'prompts/get', target: { server: target.server, prompt: target.name } });
      return this.connection(context, target.server).getPrompt(target.name, args, this.callOptions(context));
    });
  }

  /** Completion of a prompt argument or resource-template variable, routed like the prompt or resource itself. */
  async complete(context: CallContext, params: CompleteRequest['params']): Promise<CompleteResult> {
    const { ref } = params;
    const kind: CallKind = ref.type === 'ref/prompt' ? 'prompt' : 'resource';
    const target = await this.singleTarget(context, kind, ref.type === 'ref/prompt' ? ref.name : ref.uri);
    const action: AuthorizeAction = kind === 'prompt' ? 'prompts/get' : 'resources/read';
    // The partial value is recorded under the argument's own name, so the key-based redaction rules apply to it.
    const fields = { server: target.server, [kind]: target.name, arguments: { [params.argument.name]: params.argument.value } };
    return this.audited(context, 'completion', fields, async () => {
      await this.deps.access.require({ ...this.who(context), action, target: { server: target.server, [kind]: target.name } });
      const backendRef = ref.type === 'ref/prompt' ? { ...ref, name: target.name } : { ...ref, uri: target.name };
      return this.connection(context, target.server).complete({ ...params, ref: backendRef }, this.callOptions(context));
    });
  }

  /** The tools this caller may call: a transparent endpoint's own, or the aggregated catalog. */
  async listTools(context: CallContext, onlyServer?: string): Promise<Tool[]> {
    return this.audited(context, 'tools_list', { server: context.server ?? onlyServer }, async () => {
      if (context.server) {
        const tools = this.connectedShared(context.server).tools;
        return this.visible(context, tools, (tool) => ({ server: context.server, tool: tool.name }), 'tools/call');
      }
      if (onlyServer !== undefined && !this.deps.registry.has(onlyServer)) throw new NotFoundError(`unknown server "${onlyServer}"`);
      const entries = this.deps.catalog.list().filter((entry) => !onlyServer || entry.server === onlyServer);
      const visible = await this.visible(context, entries, (entry) => entry.server ? { server: entry.server, tool: entry.originalName } : { tool: entry.tool.name }, 'tools/call');
      return this.viewedBy(context, visible);
    });
  }

  async listResources(context: CallContext): Promise<Resource[]> {
    return this.listFromBackends(context, 'resources_list', 'resources/read', (connection) => connection.resources, (resource, server) =>
      context.server ? resource : { ...resource, uri: qualifiedName(server, resource.uri) }, (resource) => ({ resource: resource.uri }));
  }

  async listResourceTemplates(context: CallContext): Promise<ResourceTemplate[]> {
    return this.listFromBackends(context, 'resources_list', 'resources/read', (connection) => connection.resourceTemplates, (template, server) =>
      context.server ? template : { ...template, uriTemplate: qualifiedName(server, template.uriTemplate) }, (template) => ({ resource: template.uriTemplate }));
  }

  async listPrompts(context: CallContext): Promise<Prompt[]> {
    return this.listFromBackends(context, 'prompts_list', 'prompts/get', (connection) => connection.prompts, (prompt, server) =>
      context.server ? prompt : { ...prompt, name: qualifiedName(server, prompt.name) }, (prompt) => ({ prompt: prompt.name }));
  }

  // ---- the parts of the path -------------------------------------------------------------------------------

  private async plan(context: CallContext, kind: CallKind, name: string, args?: Record<string, unknown>): Promise<RoutePlan> {
    const request = { kind, name, ...(args ? { arguments: args } : {}), ...(context.server ? { server: context.server } : {}), ...(context.routeHints ? { hints: context.routeHints } : {}), principal: context.principal, request: context.request };
    try {
      const plan = (context.server ? undefined : await this.deps.hooks.runFirst('route', request)) ?? defaultRoute(request, this.deps.registry, this.deps.catalog);
      if (plan.targets.length === 0) throw new BadRequestError(`"${name}" has no server to run on`);
      return plan;
    } catch (error) {
      this.auditFailure(context, kind === 'tool' ? 'tool_call' : kind === 'resource' ? 'resource_read' : 'prompt_get', { [kind]: name, arguments: args }, error);
      throw error;
    }
  }

  private async singleTarget(context: CallContext, kind: CallKind, name: string): Promise<RouteTarget> {
    const plan = await this.plan(context, kind, name);
    if (plan.targets.length !== 1) throw new BadRequestError(`a ${kind} must resolve to exactly one server`);
    return plan.targets[0]!;
  }

  /** One target: authorize → call → audit. Never throws, so a fan-out can collect every outcome. */
  private async runTarget(context: CallContext, target: RouteTarget, label: string, parentId?: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<TargetOutcome> {
    const started = performance.now();
    const base: AuditInput = { ...this.eventBase(context, 'tool_call'), server: target.server, tool: target.name, arguments: target.arguments, ...(parentId ? { parent_id: parentId } : {}) };
    try {
      await this.deps.access.require({ ...this.who(context), action: 'tools/call', target: { server: target.server, tool: target.name } }, parentId);
      const signal = options.signal ?? context.signal;
      const result = await this.connection(context, target.server).callTool(target.name, target.arguments, { ...this.callOptions(context), ...(signal ? { signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      const durationMs = performance.now() - started;
      this.deps.audit.emit({ ...base, outcome: result.isError ? 'error' : 'success', ...(result.isError ? { error: 'the tool reported an error (isError)' } : {}), duration_ms: round(durationMs), ...this.resultSize(result) });
      return { server: target.server, ok: true, result, durationMs };
    } catch (caught) {
      const error = asGatewayError(caught, label);
      const durationMs = performance.now() - started;
      if (!alreadyAudited(caught)) this.deps.audit.emit({ ...base, outcome: 'error', error: error.message, duration_ms: round(durationMs) });
      return { server: target.server, ok: false, error, durationMs };
    }
  }

  private async runFanOut(context: CallContext, plan: RoutePlan, name: string, args?: Record<string, unknown>): Promise<CallToolResult> {
    const auditId = randomUUID();
    const started = performance.now();
    const fanOut: FanOutContext = {
      principal: context.principal,
      request: context.request,
      signal: context.signal ?? new AbortController().signal,
      auditId,
      callTarget: (target, options) => this.runTarget(context, target, name, auditId, options),
    };
    const base: AuditInput = { ...this.eventBase(context, 'broadcast'), id: auditId, tool: name, arguments: args, details: { strategy: plan.strategy, servers: plan.targets.map((t) => t.server) } };
    try {
      const result = await this.deps.hooks.runFirst('fanOut', plan, fanOut);
      if (!result) throw new BadRequestError(`no plugin runs calls of strategy "${plan.strategy}"`);
      this.deps.audit.emit({ ...base, outcome: result.isError ? 'error' : 'success', duration_ms: round(performance.now() - started), ...this.resultSize(result) });
      return result;
    } catch (error) {
      this.deps.audit.emit({ ...base, outcome: 'error', error: asGatewayError(error, name).message, duration_ms: round(performance.now() - started) });
      throw error;
    }
  }

  private async listFromBackends<T>(
    context: CallContext,
    eventType: AuditEventType,
    action: AuthorizeAction,
    items: (connection: ReturnType<BackendRegistry['shared']>) => T[],
    present: (item: T, server: string) => T,
    targetOf: (item: T) => { resource?: string; prompt?: string },
  ): Promise<T[]> {
    return this.audited(context, eventType, { server: context.server }, async () => {
      const servers = context.server ? [context.server] : this.deps.registry.snapshots().filter((b) => b.status === 'up').map((b) => b.name);
      const lists = await Promise.all(servers.map(async (server) => {
        const connection = context.server ? this.connectedShared(server) : this.deps.registry.shared(server);
        const visible = await this.visible(context, items(connection), (item) => ({ server, ...targetOf(item) }), action);
        return visible.map((item) => present(item, server));
      }));
      return lists.flat();
    });
  }

  private async visible<T>(context: CallContext, items: readonly T[], targetOf: (item: T) => Record<string, string | undefined>, action: AuthorizeAction): Promise<T[]> {
    if (!this.deps.hooks.has('authorize')) return [...items];
    const decisions = await Promise.all(items.map((item) => this.deps.access.decide({ ...this.who(context), action, target: targetOf(item) })));
    return items.filter((_, index) => decisions[index]!.allow);
  }

  /** Each tool as this caller may see it: generated tools with a `viewFor` are narrowed, or hidden, per caller. */
  private async viewedBy(context: CallContext, entries: readonly CatalogTool[]): Promise<Tool[]> {
    if (!this.deps.hooks.has('authorize') || !entries.some((entry) => entry.viewFor)) return entries.map((entry) => entry.tool);
    const access = this.callerAccess(context);
    const tools = await Promise.all(entries.map(async (entry) => {
      if (!entry.viewFor) return entry.tool;
      try {
        return await entry.viewFor(access);
      } catch (error) {
        throw new PluginError(entry.generatedBy ?? 'core', `view of "${entry.tool.name}"`, error);
      }
    }));
    return tools.filter((tool): tool is Tool => tool !== undefined);
  }

  /** The caller's access, each question asked once per listing (many views share the same servers). */
  private callerAccess(context: CallContext): CallerAccess {
    const answers = new Map<string, Promise<boolean>>();
    return (action, target) => {
      const key = JSON.stringify([action, target.server, target.tool, target.resource, target.prompt]);
      let answer = answers.get(key);
      if (!answer) {
        answer = this.deps.access.decide({ ...this.who(context), action, target }).then((decision) => decision.allow);
        answers.set(key, answer);
      }
      return answer;
    };
  }

  /** A transparent endpoint's backend must be up to answer for it. */
  private connectedShared(server: string) {
    const connection = this.deps.registry.shared(server);
    if (connection.status !== 'up') {
      throw new BackendUnavailableError(`server "${server}" is ${connection.status}${connection.lastError ? `: ${connection.lastError}` : ''}`);
    }
    return connection;
  }

  private connection(context: CallContext, server: string) {
    return this.deps.registry.connectionFor(server, context.relay);
  }

  private callOptions(context: CallContext): CallOptions {
    return { ...(context.signal ? { signal: context.signal } : {}), ...(context.onProgress ? { onprogress: context.onProgress } : {}) };
  }

  /** Runs `work` and records one event of `eventType` for it, success or failure. */
  private async audited<T>(context: CallContext, eventType: AuditEventType, fields: Partial<AuditInput>, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      this.deps.audit.emit({ ...this.eventBase(context, eventType), ...fields, outcome: 'success', duration_ms: round(performance.now() - started) });
      return result;
    } catch (error) {
      if (!alreadyAudited(error)) this.auditFailure(context, eventType, fields, error, started);
      throw error;
    }
  }

  private auditFailure(context: CallContext, eventType: AuditEventType, fields: Partial<AuditInput>, error: unknown, started?: number): void {
    this.deps.audit.emit({ ...this.eventBase(context, eventType), ...fields, outcome: 'error', error: asGatewayError(error, eventType).message, ...(started ? { duration_ms: round(performance.now() - started) } : {}) });
  }

  private eventBase(context: CallContext, eventType: AuditEventType): AuditInput {
    const { principal, request } = context;
    return {
      event_type: eventType,
      outcome: 'success',
      request_id: request.requestId,
      channel: request.channel,
      principal: { sub: principal.sub, username: principal.username, roles: principal.roles },
      client: { address: request.clientAddress, user_agent: request.userAgent },
      ...(request.sessionId ? { session_id: request.sessionId } : {}),
      ...(request.traceId ? { trace_id: request.traceId } : {}),
    };
  }

  private who(context: CallContext) {
    return { principal: context.principal, request: context.request };
  }

  private resultSize(result: unknown): { result_size?: number } {
    return this.deps.hooks.has('audit') ? { result_size: Buffer.byteLength(JSON.stringify(result)) } : {};
  }
}

function asGatewayError(error: unknown, label: string): GatewayError {
  if (isGatewayError(error)) return error;
  return new PluginError('core', `call "${label}"`, error);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
