/**
 * The gateway's hook points. Every feature is a plugin that registers handlers for these; the core only runs them.
 *
 * | hook              | kind                | why                                                                      |
 * |-------------------|---------------------|--------------------------------------------------------------------------|
 * | authenticate      | first               | the first plugin that recognises the credential decides; none → 401      |
 * | authorize         | series, deny wins   | every policy gets a say; one deny is final; no opinion from all → allow  |
 * | resolveCredential | first, by scheme    | `env://`, `file://`, `vault://` are each owned by exactly one plugin     |
 * | route             | first               | broadcast claims `broadcast__*`; the core's default router does the rest |
 * | fanOut            | first               | how a planned call runs; the core's default runs its single target       |
 * | catalog           | waterfall           | each handler gets the tool list and returns it, e.g. with tools added    |
 * | audit             | parallel, isolated  | every sink gets every event, off the request path; one failing sink never |
 * |                   |                     | fails the call or the other sinks                                        |
 *
 * Handlers run in registration order (the order of `plugins` in the config); `order: 'pre' | 'post'` moves one
 * to the front or the back, as in Rollup.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AuditEvent } from './audit/audit-event.js';
import type { GatewayError } from './errors.js';
import type { Principal } from './principal.js';
import type { RequestInfo } from './request-info.js';

export type Awaitable<T> = T | Promise<T>;

// ---- authenticate (first) -------------------------------------------------------------------------------------

/**
 * Return a principal when this handler recognises and accepts the credential, `undefined` when the request carries
 * no credential of its kind, and throw an `AuthenticationError` (401), `InsufficientScopeError` (403) or
 * `ServiceUnavailableError` (503) to refuse it. When every handler returns `undefined` the request gets 401.
 */
export type AuthenticateHandler = (request: RequestInfo) => Awaitable<Principal | undefined>;

// ---- authorize (series, deny wins) ---------------------------------------------------------------------------

export type AuthorizeAction =
  | 'tools/call'
  | 'resources/read'
  | 'prompts/get'
  /** Using a server at all: listing it, or opening its transparent endpoint. */
  | 'server/access'
  /** Changing the gateway (admin API). */
  | 'admin';

/** What is being accessed. `tool`/`resource`/`prompt` are the backend's own names when `server` is set. */
export interface AuthorizeTarget {
  server?: string;
  tool?: string;
  resource?: string;
  prompt?: string;
}

export interface AuthorizeInput {
  principal: Principal;
  action: AuthorizeAction;
  target: AuthorizeTarget;
  request?: RequestInfo;
}

export interface AuthorizeDecision {
  allow: boolean;
  /** Shown to the caller and recorded in audit when access is denied. */
  reason?: string;
}

/** Return a decision, or `undefined` for "no opinion". Runs for every listed item, so keep it synchronous and cheap. */
export type AuthorizeHandler = (input: AuthorizeInput) => Awaitable<AuthorizeDecision | undefined>;

// ---- resolveCredential (first, by scheme) --------------------------------------------------------------------

export interface CredentialReference {
  /** The reference as written, e.g. `vault://secret/data/elk#token`. */
  raw: string;
  /** Scheme without `://`, e.g. `vault`. */
  scheme: string;
  /** Everything after `scheme://`. */
  location: string;
}

export interface ResolvedCredential {
  value: string;
  /** When the value stops being valid; the core re-resolves shortly before (epoch milliseconds). */
  expiresAt?: number;
  /** Called by the core to learn when the secret changes (e.g. a watched file). Returns an unsubscribe function. */
  watch?(onChange: () => void): () => void;
}

export interface CredentialContext {
  /** The backend that needs the secret; errors should name it. */
  server: string;
  /** True when the backend refused the previous value (HTTP 401): bypass any cache and fetch the secret anew. */
  fresh?: boolean;
}

export type ResolveCredentialHandler = (
  reference: CredentialReference,
  context: CredentialContext,
) => Awaitable<ResolvedCredential>;

// ---- route (first) --------------------------------------------------------------------------------------------

export type CallKind = 'tool' | 'resource' | 'prompt';

export interface RouteRequest {
  kind: CallKind;
  /** The name the client used (a gateway name such as `server__tool`, or a backend name on a transparent endpoint). */
  name: string;
  arguments?: Record<string, unknown>;
  /** Set on `/servers/<name>/mcp`: the call is scoped to that one server and uses its own names. */
  server?: string;
  principal: Principal;
  request?: RequestInfo;
  /** Set only by a plugin's own routes (via `GatewayCalls.callTool`), e.g. a REST broadcast's server subset. */
  hints?: Record<string, unknown>;
}

/** One backend call a plan is made of. */
export interface RouteTarget {
  server: string;
  /** The backend's own tool name, resource URI or prompt name. */
  name: string;
  arguments?: Record<string, unknown>;
}

export interface RoutePlan {
  /** Names the `fanOut` handler that runs the plan; the core runs `single` itself. */
  strategy: 'single' | (string & {});
  targets: RouteTarget[];
  /** Strategy-specific data, e.g. a broadcast's display name. */
  meta?: Record<string, unknown>;
}

export type RouteHandler = (request: RouteRequest) => Awaitable<RoutePlan | undefined>;

// ---- fanOut (first) -------------------------------------------------------------------------------------------

/** The outcome of one target of a plan, as the core's per-target runner reports it. */
export type TargetOutcome =
  | { server: string; ok: true; result: CallToolResult; durationMs: number }
  | { server: string; ok: false; error: GatewayError; durationMs: number };

export interface FanOutContext {
  principal: Principal;
  request?: RequestInfo;
  /** Aborted when the client cancels or disconnects; pass it on. */
  signal: AbortSignal;
  /** Audit id of the whole call; per-target events are linked to it. */
  auditId: string;
  /**
   * Runs one target through the rest of the path: authorize (per server) → credential → backend call → audit.
   * Never throws: failures come back as `{ ok: false }` so one target cannot sink the others.
   */
  callTarget(target: RouteTarget, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<TargetOutcome>;
}

/** Return the merged result when this handler owns `plan.strategy`, otherwise `undefined`. */
export type FanOutHandler = (plan: RoutePlan, context: FanOutContext) => Awaitable<CallToolResult | undefined>;

// ---- catalog (waterfall) --------------------------------------------------------------------------------------

/** One tool as the aggregated endpoint shows it. */
export interface CatalogTool {
  /** The tool as listed to clients (its `name` is the gateway name). */
  tool: Tool;
  /** The backend that provides it; absent for generated tools (e.g. broadcasts). */
  server?: string;
  /** The backend's own name for it, when `server` is set. */
  originalName?: string;
  /** The plugin that generated it, when it is not a backend's tool. */
  generatedBy?: string;
  /**
   * The tool as one caller may see it, or `undefined` to hide it from them: for a generated tool whose reach
   * depends on who asks (a broadcast names only the servers the caller may use). Runs for each listing, and only
   * when an `authorize` handler is registered; without one, `tool` is listed as it is.
   */
  viewFor?(access: CallerAccess): Awaitable<Tool | undefined>;
}

/** Asks the `authorize` series about the caller being served: may they do `action` on `target`? */
export type CallerAccess = (action: AuthorizeAction, target: AuthorizeTarget) => Promise<boolean>;

export interface CatalogContext {
  /** The live state of every configured backend, including its own tools. */
  backends: readonly BackendSnapshot[];
}

/** A read-only view of one backend, for catalog and route handlers. */
export interface BackendSnapshot {
  name: string;
  enabled: boolean;
  status: BackendStatus;
  tags: readonly string[];
  description?: string;
  /** Per-request timeout, in milliseconds. */
  timeoutMs: number;
  tools: readonly Tool[];
}

export type BackendStatus = 'disabled' | 'connecting' | 'up' | 'down';

export type CatalogHandler = (tools: CatalogTool[], context: CatalogContext) => Awaitable<CatalogTool[]>;

// ---- audit (parallel, isolated) -------------------------------------------------------------------------------

export type AuditHandler = (event: AuditEvent) => Awaitable<void>;

/**
 * A sink that keeps events (a file, a database) rather than only forwarding them. With `audit.failClosed` the
 * gateway refuses calls while no durable sink can accept events, so this is asked on every request: keep
 * `canAccept` a field read, no I/O. The sink updates what it answers as its writes succeed or fail.
 */
export interface DurableSink {
  canAccept(): boolean;
  /** Why it cannot, while `canAccept()` is false; shown to refused callers and logged. Never a secret. */
  reason?(): string;
}

export interface AuditHandlerOptions extends HandlerOptions {
  /** Declares the sink durable (see DurableSink). */
  durable?: DurableSink;
}

// ---- registry ---------------------------------------------------------------------------------------------------

export interface HandlerOptions {
  order?: 'pre' | 'post';
}

/** How a plugin registers its handlers (given to `setup` as `context.hooks`). */
export interface HookRegistrar {
  authenticate(handler: AuthenticateHandler, options?: HandlerOptions): void;
  authorize(handler: AuthorizeHandler, options?: HandlerOptions): void;
  /** Claims a credential scheme (`env`, `file`, `vault`, …); two plugins claiming one scheme is a start-up error. */
  resolveCredential(scheme: string, handler: ResolveCredentialHandler): void;
  route(handler: RouteHandler, options?: HandlerOptions): void;
  fanOut(handler: FanOutHandler, options?: HandlerOptions): void;
  catalog(handler: CatalogHandler, options?: HandlerOptions): void;
  audit(handler: AuditHandler, options?: AuditHandlerOptions): void;
}
