/**
 * The plugin contract. A plugin is a plain object made by a factory (`myPlugin(options)`), as in Rollup: a name,
 * an options JSON schema the core validates before anything runs (as in Kong), and a `setup` that registers hook
 * handlers, HTTP routes and services on the context it is given.
 */
import type { Router } from 'express';
import type { Logger } from 'winston';
import type { AuditEvent } from './audit/audit-event.js';
import type { Awaitable, AuthorizeDecision, AuthorizeInput, BackendSnapshot, HookRegistrar } from './hooks.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from './principal.js';
import type { RequestInfo } from './request-info.js';
import type { ServiceToken } from './tokens.js';

/** A JSON schema (draft 2020-12 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

export interface PluginDefinition<O> {
  /** Unique, kebab-case; error messages and logs use it. */
  name: string;
  version?: string;
  /** Validated (with defaults applied) before `setup`; a bad option stops start-up naming its path. */
  optionsSchema?: JsonSchema;
  /** Names of plugins that must be listed before this one. */
  dependsOn?: string[];
  /** Registers handlers. Throwing here stops the gateway with a message that names the plugin. */
  setup(context: PluginContext<O>): Awaitable<void>;
}

/** What a plugin factory returns and what `defineConfig({ plugins })` takes. */
export interface GatewayPlugin<O = unknown> extends PluginDefinition<O> {
  options: O;
}

export type PluginFactory<O> = object extends O ? (options?: O) => GatewayPlugin<O> : (options: O) => GatewayPlugin<O>;

/** Declares a plugin; returns its factory. */
export function definePlugin<O>(definition: PluginDefinition<O>): PluginFactory<O> {
  const factory = (options?: O): GatewayPlugin<O> => ({ ...definition, options: (options ?? {}) as O });
  return factory as PluginFactory<O>;
}

export interface RouteOptions {
  /**
   * `required` (default): the core authenticates the request first (401/403 as usual) and puts the principal where
   * `requestPrincipal(res)` finds it. `none`: public routes such as discovery documents.
   */
  auth?: 'required' | 'none';
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  detail?: string;
}

export interface PluginContext<O> {
  readonly name: string;
  /** The options after schema validation, with defaults applied. */
  readonly options: O;
  /** A child logger tagged with the plugin name. Never log secrets. */
  readonly logger: Logger;
  readonly hooks: HookRegistrar;
  readonly gateway: GatewayFacts;
  readonly backends: BackendView;
  readonly services: ServiceRegistry;
  /** Available once the gateway is built (from `onStart` on, and in route handlers). */
  readonly calls: GatewayCalls;
  /** Mounts an express router at the gateway root. */
  addRoutes(router: Router, options?: RouteOptions): void;
  /** Runs the authorize hook series (deny wins), as the core does for its own routes. */
  authorize(input: AuthorizeInput): Promise<AuthorizeDecision>;
  /**
   * As `authorize`, for a route that must refuse: a "no" is recorded as an `access_denied` audit event and thrown as
   * AccessDeniedError (403), exactly as the core's own routes refuse.
   */
  requireAccess(input: AuthorizeInput): Promise<void>;
  /** Emits an audit event through every sink; `id` and `timestamp` are filled in. */
  emitAudit(event: Omit<AuditEvent, 'id' | 'timestamp'> & Partial<Pick<AuditEvent, 'id' | 'timestamp'>>): void;
  /** Adds a health check shown under `/health`. */
  reportHealth(check: () => Awaitable<HealthReport>): void;
  /** Runs after every plugin's setup, when the gateway starts (open connections, start timers). */
  onStart(fn: () => Awaitable<void>): void;
  /** Runs on shutdown, in reverse order (flush, close). */
  onStop(fn: () => Awaitable<void>): void;
  /**
   * A path from the plugin's options made absolute: a relative one is resolved from the config file's directory
   * (createGateway's `baseDir`), as the servers file is, so the config works from any working directory.
   */
  resolvePath(path: string): string;
}

/** Who is calling, for calls a plugin makes on a caller's behalf (e.g. from its own REST routes). */
export interface CallerContext {
  principal: Principal;
  request: RequestInfo;
  signal?: AbortSignal;
  /** Passed to `route` handlers as `hints`, for plugin routes that choose targets themselves. */
  routeHints?: Record<string, unknown>;
}

/**
 * The gateway's request path, for plugins that expose their own routes: the same route → fanOut → authorize →
 * backend → audit as `/mcp`. Names are aggregated names (`server__tool`, `broadcast__…`).
 */
export interface GatewayCalls {
  callTool(caller: CallerContext, name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** The aggregated catalog as this caller may see it. */
  listTools(caller: CallerContext): Promise<Tool[]>;
}

export interface GatewayFacts {
  /** The gateway's public base URL, e.g. `https://mcp.example.com` (no trailing slash). */
  readonly publicUrl: string;
  readonly version: string;
}

export interface BackendView {
  list(): readonly BackendSnapshot[];
  get(name: string): BackendSnapshot | undefined;
  /** Called whenever a backend's status or tool list changes. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export interface ServiceRegistry {
  provide<T>(token: ServiceToken<T>, value: T): void;
  get<T>(token: ServiceToken<T>): T;
  tryGet<T>(token: ServiceToken<T>): T | undefined;
}

/** The principal of a request on a route mounted with `auth: 'required'`. */
export function requestPrincipal(locals: Record<string, unknown>): Principal {
  const principal = locals['principal'] as Principal | undefined;
  if (!principal) throw new Error('requestPrincipal() used on a route mounted without auth');
  return principal;
}
