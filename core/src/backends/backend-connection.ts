/**
 * One open MCP client session to one backend. Kept open and reused for every call; its tool, resource and prompt
 * lists are cached and refreshed when the backend says they changed. A failed connection is marked down and, for
 * the shared connection, re-opened in the background with backoff.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type CallToolResult,
  CallToolResultSchema,
  type ClientCapabilities,
  type CompleteRequest,
  type GetPromptResult,
  type Implementation,
  type Prompt,
  PromptListChangedNotificationSchema,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  ResourceListChangedNotificationSchema,
  type ServerCapabilities,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logging/logger.js';
import { BackendUnavailableError, RequestCancelledError, describeError, type GatewayError } from '../errors.js';
import type { BackendStatus } from '../hooks.js';
import { isSessionLost, toBackendError } from './backend-errors.js';
import { unusableName } from '../catalog/names.js';
import { type BackendAuthMaterial, type CredentialInjector, withoutInjectedArguments } from './credential-injection.js';
import { type ProgressMeta, ProgressRouter } from './progress-router.js';
import type { ServerConfig } from './server-config.js';
import { StderrTail } from './stderr-tail.js';
import { createBackendTransport } from './transport-factory.js';

/** Lists are fetched page by page; stop at this many pages so a misbehaving backend cannot loop us forever. */
const MAX_LIST_PAGES = 50;
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onprogress?: (progress: { progress: number; total?: number; message?: string }) => void;
}

export interface BackendConnectionOptions {
  name: string;
  config: ServerConfig;
  credentials: CredentialInjector;
  logger: Logger;
  clientInfo: Implementation;
  /** What this connection tells the backend it can do (per-session connections relay sampling, elicitation, roots). */
  capabilities?: ClientCapabilities;
  /** Installs request/notification handlers on the SDK client before it connects (used for relays). */
  configureClient?: (client: Client) => void;
  /** Re-open in the background after a failure (the shared connection); per-session ones reopen on next use. */
  autoReconnect: boolean;
  onChange?: () => void;
}

export class BackendConnection {
  status: BackendStatus = 'connecting';
  lastError?: string;
  tools: Tool[] = [];
  resources: Resource[] = [];
  resourceTemplates: ResourceTemplate[] = [];
  prompts: Prompt[] = [];
  private client?: Client;
  private connecting?: Promise<Client>;
  private auth?: BackendAuthMaterial;
  private unwatchSecret?: () => void;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelay = RECONNECT_MIN_MS;
  private closed = false;
  private readonly progress = new ProgressRouter();
  private stderrTail?: StderrTail;

  constructor(private readonly options: BackendConnectionOptions) {}

  get name(): string {
    return this.options.name;
  }

  get timeoutMs(): number {
    return this.options.config.timeout * 1000;
  }

  get serverCapabilities(): ServerCapabilities | undefined {
    return this.client?.getServerCapabilities();
  }

  get serverVersion(): Implementation | undefined {
    return this.client?.getServerVersion();
  }

  get instructions(): string | undefined {
    return this.client?.getInstructions();
  }

  /** Opens the session if it is not open; concurrent callers share one attempt. */
  connect(): Promise<Client> {
    if (this.closed) return Promise.reject(new BackendUnavailableError(`server "${this.name}" connection is closed`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async callTool(name: string, args: Record<string, unknown> | undefined, options: CallOptions = {}): Promise<CallToolResult> {
    const injected = this.auth?.arguments;
    const merged = injected && Object.keys(injected).length ? { ...args, ...injected } : args;
    return this.withClient(options, (client, requestOptions, meta) =>
      client.callTool({ name, ...(merged ? { arguments: merged } : {}), ...meta }, CallToolResultSchema, requestOptions) as Promise<CallToolResult>,
    );
  }

  readResource(uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    return this.withClient(options, (client, requestOptions, meta) => client.readResource({ uri, ...meta }, requestOptions));
  }

  getPrompt(name: string, args: Record<string, string> | undefined, options: CallOptions = {}): Promise<GetPromptResult> {
    return this.withClient(options, (client, requestOptions, meta) =>
      client.getPrompt({ name, ...(args ? { arguments: args } : {}), ...meta }, requestOptions),
    );
  }

  complete(params: CompleteRequest['params'], options: CallOptions = {}) {
    return this.withClient(options, (client, requestOptions, meta) => client.complete({ ...params, ...meta }, requestOptions));
  }

  /** Tells the backend the client's roots changed (per-session connections only). */
  async notifyRootsChanged(): Promise<void> {
    await this.client?.sendRootsListChanged().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.unwatchSecret?.();
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  /** Runs one request, its progress notifications routed to `options.onprogress` until it has settled. */
  private withClient<T>(options: CallOptions, run: (client: Client, requestOptions: object, meta: ProgressMeta) => Promise<T>): Promise<T> {
    return this.progress.track(options.onprogress, (meta) => this.withRetry(options, (client, requestOptions) => run(client, requestOptions, meta)));
  }

  /** Runs one request with the server's timeout; if an HTTP backend lost our session, reconnects and retries once. */
  private async withRetry<T>(options: CallOptions, run: (client: Client, requestOptions: object) => Promise<T>): Promise<T> {
    const timeoutMs = Math.min(options.timeoutMs ?? this.timeoutMs, this.timeoutMs);
    const requestOptions = { timeout: timeoutMs, maxTotalTimeout: timeoutMs, ...(options.signal ? { signal: options.signal } : {}) };
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect().catch((error: unknown) => {
        throw this.failure(error, timeoutMs);
      });
      try {
        // A backend may echo its own credential in a result (e.g. printing its environment); callers never see it.
        return this.options.credentials.scrubStrings(await run(client, requestOptions));
      } catch (error) {
        if (attempt === 0 && isSessionLost(error)) {
          await this.drop(`session lost: ${describeError(error)}`);
          continue;
        }
        // The SDK reports every aborted request as a timeout; a caller's cancellation is not the server's fault.
        if (options.signal?.aborted) throw new RequestCancelledError(`call to server "${this.name}" was cancelled${reasonOf(options.signal)}`);
        const failure = this.failure(error, timeoutMs);
        if (failure instanceof BackendUnavailableError) this.markDown(client, failure.message);
        throw failure;
      }
    }
  }

  private failure(error: unknown, timeoutMs: number): GatewayError {
    const failure = toBackendError(this.name, error, timeoutMs);
    // A backend may echo what it received (our credential) in an error; no resolved secret leaves in a message.
    failure.message = this.options.credentials.scrubStrings(failure.message);
    return failure;
  }

  private async open(): Promise<Client> {
    const { config, logger } = this.options;
    let client: Client | undefined;
    try {
      this.auth = await this.options.credentials.materialFor(this.name, config);
      const { transport, stderr } = createBackendTransport(config, this.auth);
      stderr?.on('data', (chunk: Buffer) => logger.debug(`stderr: ${chunk.toString().trimEnd()}`, { server: this.name }));
      this.stderrTail = new StderrTail(stderr);
      client = new Client(this.options.clientInfo, { capabilities: this.options.capabilities ?? {} });
      this.options.configureClient?.(client);
      this.progress.install(client);
      const opened = client;
      client.onclose = () => void this.onClosed(opened);
      client.onerror = (error) => logger.debug(`transport error: ${describeError(error)}`, { server: this.name });
      await client.connect(transport, { timeout: this.timeoutMs });
      if (this.closed) throw new BackendUnavailableError(`server "${this.name}" connection is closed`);
      this.client = client;
      this.watchSecret();
      await this.refreshLists(client);
      this.installListChangedHandlers(client);
      this.setStatus('up');
      this.reconnectDelay = RECONNECT_MIN_MS;
      logger.info(`connected to server "${this.name}" (${config.type}, ${this.tools.length} tools)`);
      return client;
    } catch (error) {
      // A session that opened but could not list its tools is no connection: forget and close it (for stdio, its
      // child process), so the next attempt opens a new one rather than reusing a session that never came up.
      if (client && this.client === client) this.client = undefined;
      void client?.close().catch(() => undefined);
      const failure = this.failure(error, this.timeoutMs);
      this.lastError = this.withStderr(failure.message);
      this.setStatus('down');
      logger.warn(`server "${this.name}" is down: ${this.lastError}`);
      this.scheduleReconnect();
      throw failure;
    }
  }

  /** Adds what a stdio server last wrote to stderr (its own secrets scrubbed) to a failure shown to operators. */
  private withStderr(message: string): string {
    const said = this.stderrTail?.summary();
    return said ? `${message}; its stderr ended with: ${this.options.credentials.scrubStrings(said)}` : message;
  }

  private async refreshLists(client: Client): Promise<void> {
    const capabilities = client.getServerCapabilities() ?? {};
    const [tools, resources, templates, prompts] = await Promise.all([
      capabilities.tools ? collectPages((cursor) => client.listTools(cursor ? { cursor } : {}, { timeout: this.timeoutMs }), 'tools') : [],
      capabilities.resources ? collectPages((cursor) => client.listResources(cursor ? { cursor } : {}, { timeout: this.timeoutMs }), 'resources') : [],
      capabilities.resources
        ? collectPages((cursor) => client.listResourceTemplates(cursor ? { cursor } : {}, { timeout: this.timeoutMs }), 'resourceTemplates').catch(() => [])
        : [],
      capabilities.prompts ? collectPages((cursor) => client.listPrompts(cursor ? { cursor } : {}, { timeout: this.timeoutMs }), 'prompts') : [],
    ]);
    this.tools = withoutInjectedArguments(this.usable(tools as Tool[], 'tool'), Object.keys(this.auth?.arguments ?? {}));
    this.resources = resources as Resource[];
    this.resourceTemplates = templates as ResourceTemplate[];
    this.prompts = this.usable(prompts as Prompt[], 'prompt');
  }

  /** Names are untrusted: those that could forge a log line or pass for another name are dropped, with a warning. */
  private usable<T extends { name: string }>(items: T[], noun: string): T[] {
    return items.filter((item) => {
      const why = unusableName(item.name);
      if (why) this.options.logger.warn(`server "${this.name}": ${noun} ${JSON.stringify(item.name.slice(0, 64))} is not offered: ${why}`);
      return why === undefined;
    });
  }

  private installListChangedHandlers(client: Client): void {
    const refresh = () => {
      this.refreshLists(client)
        .then(() => this.options.onChange?.())
        .catch((error: unknown) => this.options.logger.warn(`refreshing lists of "${this.name}" failed: ${describeError(error)}`));
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh);
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh);
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh);
  }

  /** A rotated secret (e.g. a re-written file) takes effect by reconnecting with the new value. */
  private watchSecret(): void {
    this.unwatchSecret?.();
    this.unwatchSecret = this.auth?.watch?.(() => {
      this.options.logger.info(`credential of server "${this.name}" changed; reconnecting`);
      void this.drop('credential rotated').then(() => this.connect().catch(() => undefined));
    });
  }

  private async onClosed(client: Client): Promise<void> {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed) return;
    this.lastError = this.withStderr(`server "${this.name}" closed the connection`);
    this.setStatus('down');
    this.options.logger.warn(this.lastError);
    this.scheduleReconnect();
  }

  /** The backend stopped answering (e.g. an HTTP server went away): show it down and reconnect in the background. */
  private markDown(client: Client, reason: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.lastError = this.withStderr(reason);
    this.setStatus('down');
    this.scheduleReconnect();
    void client.close().catch(() => undefined);
  }

  /** Forgets the current session (its transport is closed) so the next call opens a new one. */
  private async drop(reason: string): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.lastError = reason;
    await client?.close().catch(() => undefined);
  }

  private scheduleReconnect(): void {
    if (!this.options.autoReconnect || this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch(() => undefined);
    }, delay);
    this.reconnectTimer.unref();
  }

  private setStatus(status: BackendStatus): void {
    const changed = this.status !== status;
    this.status = status;
    if (status === 'up') this.lastError = undefined;
    if (changed || status === 'up') this.options.onChange?.();
  }
}

async function collectPages<K extends string>(
  fetchPage: (cursor?: string) => Promise<{ nextCursor?: string } & { [key in K]?: unknown[] }>,
  key: K,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const result = await fetchPage(cursor);
    items.push(...((result[key] as unknown[] | undefined) ?? []));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** The reason the caller gave for cancelling, when it gave one in words. */
function reasonOf(signal: AbortSignal): string {
  return typeof signal.reason === 'string' && signal.reason ? `: ${signal.reason}` : '';
}
