/**
 * Runs the hooks declared in hooks.ts. One small driver per hook kind — first, series (deny wins), waterfall,
 * parallel — as in Rollup's PluginDriver. A handler that throws a GatewayError has refused on purpose and the error
 * passes through; anything else is wrapped in a PluginError that names the plugin, and fails only that request.
 */
import type { AuditEvent } from './audit/audit-event.js';
import { ConfigError, PluginError, isGatewayError } from './errors.js';
import type {
  AuditHandler,
  AuthenticateHandler,
  AuthorizeDecision,
  AuthorizeHandler,
  AuthorizeInput,
  AuditHandlerOptions,
  CatalogContext,
  CatalogHandler,
  CatalogTool,
  DurableSink,
  FanOutHandler,
  HandlerOptions,
  HookRegistrar,
  ResolveCredentialHandler,
  RouteHandler,
} from './hooks.js';

interface Registered<H> {
  plugin: string;
  handler: H;
  order: number;
}

type FirstHookName = 'authenticate' | 'route' | 'fanOut';
type FirstHandlers = { authenticate: AuthenticateHandler; route: RouteHandler; fanOut: FanOutHandler };

const ORDER = { pre: 0, normal: 1, post: 2 } as const;

export class HookBus {
  private readonly first: { [K in FirstHookName]: Registered<FirstHandlers[K]>[] } = { authenticate: [], route: [], fanOut: [] };
  private readonly authorizers: Registered<AuthorizeHandler>[] = [];
  private readonly catalogs: Registered<CatalogHandler>[] = [];
  private readonly auditors: Registered<AuditHandler>[] = [];
  private readonly durable: Array<{ plugin: string; sink: DurableSink }> = [];
  private readonly credentialSchemes = new Map<string, Registered<ResolveCredentialHandler>>();

  /** The registrar handed to one plugin's setup; it tags each handler with the plugin's name. */
  registrarFor(plugin: string): HookRegistrar {
    const add = <H>(list: Registered<H>[], handler: H, options?: HandlerOptions) => {
      list.push({ plugin, handler, order: ORDER[options?.order ?? 'normal'] });
      list.sort((a, b) => a.order - b.order); // stable: registration order within the same band
    };
    return {
      authenticate: (handler, options) => add(this.first.authenticate, handler, options),
      route: (handler, options) => add(this.first.route, handler, options),
      fanOut: (handler, options) => add(this.first.fanOut, handler, options),
      authorize: (handler, options) => add(this.authorizers, handler, options),
      catalog: (handler, options) => add(this.catalogs, handler, options),
      audit: (handler, options?: AuditHandlerOptions) => {
        add(this.auditors, handler, options);
        if (options?.durable) this.durable.push({ plugin, sink: options.durable });
      },
      resolveCredential: (scheme, handler) => {
        const key = scheme.toLowerCase().replace(/:\/\/$/, '');
        const owner = this.credentialSchemes.get(key);
        if (owner) throw new ConfigError(`credential scheme "${key}://" is already handled by plugin "${owner.plugin}"`);
        this.credentialSchemes.set(key, { plugin, handler, order: ORDER.normal });
      },
    };
  }

  has(hook: FirstHookName | 'authorize' | 'audit' | 'catalog'): boolean {
    if (hook === 'authorize') return this.authorizers.length > 0;
    if (hook === 'audit') return this.auditors.length > 0;
    if (hook === 'catalog') return this.catalogs.length > 0;
    return this.first[hook].length > 0;
  }

  /** The audit sinks that declared themselves durable, in registration order. */
  durableSinks(): ReadonlyArray<{ plugin: string; sink: DurableSink }> {
    return this.durable;
  }

  credentialSchemeOwner(scheme: string): ResolveCredentialHandler | undefined {
    return this.credentialSchemes.get(scheme.toLowerCase())?.handler;
  }

  /** First kind: handlers in order until one returns something other than undefined. */
  async runFirst<K extends FirstHookName>(
    hook: K,
    ...args: Parameters<FirstHandlers[K]>
  ): Promise<Awaited<ReturnType<FirstHandlers[K]>> | undefined> {
    for (const { plugin, handler } of this.first[hook]) {
      const result = await guard(plugin, hook, () => (handler as (...a: unknown[]) => unknown)(...args));
      if (result !== undefined) return result as Awaited<ReturnType<FirstHandlers[K]>>;
    }
    return undefined;
  }

  /** Series kind, deny wins: every handler is asked until one denies; with no opinion at all, `fallback` decides. */
  async runAuthorize(input: AuthorizeInput, fallback: AuthorizeDecision): Promise<AuthorizeDecision> {
    let allowed: AuthorizeDecision | undefined;
    for (const { plugin, handler } of this.authorizers) {
      const decision = await guard(plugin, 'authorize', () => handler(input));
      if (!decision) continue;
      if (!decision.allow) return { allow: false, reason: decision.reason ?? `denied by ${plugin}` };
      allowed ??= decision;
    }
    return allowed ?? fallback;
  }

  /** Waterfall kind: each handler receives the previous one's output. */
  async runCatalog(tools: CatalogTool[], context: CatalogContext): Promise<CatalogTool[]> {
    let current = tools;
    for (const { plugin, handler } of this.catalogs) {
      current = await guard(plugin, 'catalog', () => handler(current, context));
    }
    return current;
  }

  /** Parallel kind, isolated: every sink gets the event; a failure is logged and reported, never thrown. */
  async runAudit(event: AuditEvent, onSinkError: (plugin: string, error: unknown) => void): Promise<void> {
    await Promise.all(
      this.auditors.map(async ({ plugin, handler }) => {
        try {
          await handler(event);
        } catch (error) {
          onSinkError(plugin, error);
        }
      }),
    );
  }
}

async function guard<T>(plugin: string, hook: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isGatewayError(error)) throw error;
    throw new PluginError(plugin, `hook "${hook}"`, error);
  }
}
