import { randomUUID } from 'node:crypto';
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { AuditBus, AuditInput } from '../audit/audit-bus.js';
import type { BackendRegistry } from '../backends/backend-registry.js';
import type { ToolCatalog } from '../catalog/tool-catalog.js';
import { BackendUnavailableError, ServiceUnavailableError, describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { CallPipeline } from '../pipeline/call-pipeline.js';
import type { Principal } from '../principal.js';
import type { RequestInfo } from '../request-info.js';
import { ClientSession } from './client-session.js';
import { AGGREGATE_CAPABILITIES, createSessionServer, installHandlers } from './session-server.js';
import { StreamableHttpTransport } from './streamable-http-transport.js';

export interface SessionManagerDeps {
  pipeline: CallPipeline;
  registry: BackendRegistry;
  catalog: ToolCatalog;
  audit: AuditBus;
  logger: Logger;
  info: Implementation;
  idleTimeoutMs: number;
  maxSessions: number;
  allowedOrigins: string[];
}

/**
 * Owns the client sessions: creates them on `initialize`, closes them on DELETE, idleness or shutdown, and tells
 * them when the catalog changes (`notifications/*_list_changed`).
 */
export class SessionManager {
  private readonly sessions = new Map<string, ClientSession>();
  /** Who opened each session and when, so its `session_end` event says who it was and how long it lasted. */
  private readonly openedBy = new Map<string, Pick<AuditInput, 'principal' | 'client' | 'channel'> & { at: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private listSignatures = new Map<string, string>();

  constructor(private readonly deps: SessionManagerDeps) {
    deps.catalog.onChange(() => this.forEach(undefined, (session) => session.server.sendToolListChanged()));
    deps.registry.onChange(() => {
      this.closeOrphans();
      this.notifyListChanges();
    });
    this.sweeper = setInterval(() => this.sweep(), Math.min(deps.idleTimeoutMs, 60_000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): ClientSession | undefined {
    const session = this.sessions.get(id);
    if (session) session.lastSeen = Date.now();
    return session;
  }

  /** A new session for `principal`; `scope` makes it a transparent endpoint of that backend. */
  async create(principal: Principal, request: RequestInfo, scope: string | undefined): Promise<ClientSession> {
    if (this.sessions.size >= this.deps.maxSessions) throw new ServiceUnavailableError('too many open sessions; try again later');
    const identity = scope ? await this.transparentIdentity(scope) : { info: this.deps.info, capabilities: AGGREGATE_CAPABILITIES };
    const server = createSessionServer(identity);
    // eslint-disable-next-line prefer-const -- the transport's callback needs the session created after it
    let session: ClientSession | undefined;
    const transport = new StreamableHttpTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, session!);
        const who = {
          channel: request.channel,
          principal: { sub: principal.sub, username: principal.username, roles: principal.roles },
          client: { address: request.clientAddress, user_agent: request.userAgent },
        };
        this.openedBy.set(id, { ...who, at: performance.now() });
        this.deps.audit.emit({
          event_type: 'session_start', outcome: 'success', session_id: id, request_id: request.requestId, ...who,
          ...(request.traceId ? { trace_id: request.traceId } : {}),
          ...(scope ? { server: scope } : {}),
        });
      },
      onsessionclosed: (id) => void this.close(id),
      ...(this.deps.allowedOrigins.length ? { allowedOrigins: this.deps.allowedOrigins } : {}),
    });
    session = new ClientSession(server, transport, principal.sub, scope);
    installHandlers(server, identity, session, this.deps.pipeline, this.deps.registry, this.deps.logger);
    server.onerror = (error) => this.deps.logger.debug(`session error: ${describeError(error)}`);
    await server.connect(transport);
    return session;
  }

  async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    const opened = this.openedBy.get(id);
    this.openedBy.delete(id);
    this.deps.audit.emit({
      event_type: 'session_end', outcome: 'success', session_id: id, ...(session.scope ? { server: session.scope } : {}),
      ...(opened ? { channel: opened.channel, principal: opened.principal, client: opened.client, duration_ms: Math.round(performance.now() - opened.at) } : {}),
    });
    await this.deps.registry.closeSession(id);
    await session.server.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  /** A transparent endpoint introduces itself as its backend does: same name, version, capabilities, instructions. */
  private async transparentIdentity(server: string) {
    const connection = this.deps.registry.shared(server);
    await connection.connect().catch((error: unknown) => {
      throw error instanceof Error && 'status' in error ? error : new BackendUnavailableError(`server "${server}" is unavailable`);
    });
    const capabilities = { ...connection.serverCapabilities };
    // Subscriptions would need this session's own connection; the shared one cannot deliver them to one client.
    if (capabilities.resources) capabilities.resources = { ...capabilities.resources, subscribe: false };
    return {
      info: connection.serverVersion ?? { name: server, version: '0.0.0' },
      capabilities,
      ...(connection.instructions ? { instructions: connection.instructions } : {}),
    };
  }

  private forEach(scope: string | undefined | null, notify: (session: ClientSession) => Promise<void> | void): void {
    for (const session of this.sessions.values()) {
      if (scope !== null && session.scope !== scope) continue;
      Promise.resolve(notify(session)).catch(() => undefined);
    }
  }

  /** Compares each backend's lists with what was last seen and notifies the sessions that can see a change. */
  private notifyListChanges(): void {
    const next = new Map<string, string>();
    for (const backend of this.deps.registry.snapshots()) {
      const connection = backend.status === 'up' ? this.deps.registry.shared(backend.name) : undefined;
      next.set(`${backend.name}/tools`, JSON.stringify(connection?.tools ?? []));
      next.set(`${backend.name}/resources`, JSON.stringify([connection?.resources ?? [], connection?.resourceTemplates ?? []]));
      next.set(`${backend.name}/prompts`, JSON.stringify(connection?.prompts ?? []));
    }
    for (const [key, signature] of next) {
      if (this.listSignatures.get(key) === signature) continue;
      const [server, kind] = key.split('/') as [string, 'tools' | 'resources' | 'prompts'];
      const send = (session: ClientSession) =>
        kind === 'tools' ? session.server.sendToolListChanged() : kind === 'resources' ? session.server.sendResourceListChanged() : session.server.sendPromptListChanged();
      this.forEach(server, send);
      if (kind !== 'tools') this.forEach(undefined, send); // aggregated tools are notified by the catalog
    }
    this.listSignatures = next;
  }

  /** A transparent endpoint of a server that was removed (hot reload) has nothing left to serve. */
  private closeOrphans(): void {
    for (const session of this.sessions.values()) {
      if (session.scope !== undefined && !this.deps.registry.has(session.scope)) void this.close(session.id);
    }
  }

  private sweep(): void {
    const cutoff = Date.now() - this.deps.idleTimeoutMs;
    for (const session of this.sessions.values()) if (session.lastSeen < cutoff) void this.close(session.id);
  }
}
