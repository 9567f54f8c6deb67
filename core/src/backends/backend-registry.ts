/**
 * Every configured backend and its shared connection. A backend that is down neither stops the gateway nor hides
 * the others. Client sessions that can answer server→client requests (sampling, elicitation, roots) get connections
 * of their own, so that such a request always reaches the client whose call caused it.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ClientCapabilities, Implementation } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError, listMistakes, NotFoundError } from '../errors.js';
import type { BackendSnapshot } from '../hooks.js';
import type { Logger } from '../logging/logger.js';
import { BackendConnection } from './backend-connection.js';
import type { CredentialInjector } from './credential-injection.js';
import type { ServerConfig, ServersConfig } from './server-config.js';

/** How long start-up waits for backends before serving; slower ones keep connecting in the background. */
const STARTUP_WAIT_MS = 15_000;
/** Coalesces bursts of changes (a reload, many list_changed) into one catalog rebuild. */
const CHANGE_DEBOUNCE_MS = 20;

interface BackendEntry {
  name: string;
  config: ServerConfig;
  shared?: BackendConnection;
}

/** What `apply` changed, by server name. */
export interface ServersChange {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Fields that only describe a server or bound its calls: changing them keeps its connections open. */
const LIVE_FIELDS = new Set<keyof ServerConfig>(['description', 'tags', 'timeout']);

/** What a per-session connection needs from the client session it belongs to. */
export interface SessionRelay {
  key: string;
  capabilities: ClientCapabilities;
  configureClient(client: Client, server: string): void;
}

export class BackendRegistry {
  private readonly entries = new Map<string, BackendEntry>();
  private readonly sessionConnections = new Map<string, Map<string, BackendConnection>>();
  private readonly listeners = new Set<() => void>();
  private changeTimer?: NodeJS.Timeout;

  constructor(
    servers: ServersConfig,
    private readonly deps: { credentials: CredentialInjector; logger: Logger; clientInfo: Implementation },
  ) {
    for (const [name, config] of Object.entries(servers)) this.entries.set(name, { name, config });
  }

  /**
   * Connects every enabled backend at once, waiting a bounded time. A backend that is down is reported, not thrown;
   * a configuration mistake (e.g. a credential reference to a missing variable or file) stops start-up.
   */
  async start(): Promise<void> {
    const attempts = [...this.entries.values()].filter((entry) => entry.config.enabled).map((entry) => this.openShared(entry));
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.allSettled(attempts),
      new Promise<PromiseSettledResult<unknown>[]>((resolve) => {
        timer = setTimeout(() => resolve([]), STARTUP_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    const mistakes = settled.flatMap((result) => (result.status === 'rejected' && result.reason instanceof ConfigError ? [result.reason.message] : []));
    if (mistakes.length) throw new ConfigError(listMistakes(mistakes));
  }

  async stop(): Promise<void> {
    clearTimeout(this.changeTimer);
    const all = [...this.entries.values()].flatMap((entry) => (entry.shared ? [entry.shared] : []));
    for (const connections of this.sessionConnections.values()) all.push(...connections.values());
    this.sessionConnections.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }

  /**
   * Makes the registry match `servers` (a hot reload): new servers connect, removed ones close, changed ones reconnect
   * with the new settings, and a change of description, tags or timeout only updates them in place. Servers that
   * did not change keep their shared and per-session connections, so no other client session notices.
   */
  async apply(servers: ServersConfig): Promise<ServersChange> {
    const change: ServersChange = { added: [], removed: [], changed: [] };
    const closing: BackendConnection[] = [];
    for (const [name, entry] of this.entries) {
      if (servers[name]) continue;
      this.entries.delete(name);
      change.removed.push(name);
      closing.push(...this.detach(entry));
    }
    const opening: BackendEntry[] = [];
    for (const [name, config] of Object.entries(servers)) {
      const entry = this.entries.get(name);
      if (!entry) {
        const added = { name, config };
        this.entries.set(name, added);
        change.added.push(name);
        opening.push(added);
      } else if (JSON.stringify(entry.config) !== JSON.stringify(config)) {
        change.changed.push(name);
        if (onlyLiveFieldsDiffer(entry.config, config)) {
          // The connections hold this object, so updating it in place gives them the new timeout.
          Object.assign(entry.config, { description: config.description, tags: config.tags, timeout: config.timeout });
          if (config.description === undefined) delete entry.config.description;
        } else {
          closing.push(...this.detach(entry));
          entry.config = config;
          opening.push(entry);
        }
      }
    }
    await Promise.all(closing.map((connection) => connection.close()));
    for (const entry of opening) if (entry.config.enabled) void this.openShared(entry).catch(() => undefined);
    if (change.added.length || change.removed.length || change.changed.length) this.changed();
    return change;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  config(name: string): ServerConfig {
    return this.entry(name).config;
  }

  snapshots(): BackendSnapshot[] {
    return [...this.entries.values()].map((entry) => this.snapshot(entry));
  }

  snapshot(entry: BackendEntry | string): BackendSnapshot {
    const { name, config, shared } = typeof entry === 'string' ? this.entry(entry) : entry;
    return {
      name,
      enabled: config.enabled,
      status: config.enabled ? (shared?.status ?? 'connecting') : 'disabled',
      tags: config.tags,
      ...(config.description !== undefined ? { description: config.description } : {}),
      timeoutMs: config.timeout * 1000,
      tools: shared?.status === 'up' ? shared.tools : [],
    };
  }

  /** The shared connection of an enabled backend (the caller handles a down backend's errors). */
  shared(name: string): BackendConnection {
    const entry = this.entry(name);
    if (!entry.config.enabled) throw new NotFoundError(`server "${name}" is disabled`);
    return entry.shared ?? this.createShared(entry);
  }

  lastError(name: string): string | undefined {
    return this.entry(name).shared?.lastError;
  }

  /** The connection a call from `relay`'s session should use: its own when it can relay, otherwise the shared one. */
  connectionFor(name: string, relay?: SessionRelay): BackendConnection {
    if (!relay) return this.shared(name);
    this.shared(name); // validates the name and that it is enabled
    let perSession = this.sessionConnections.get(relay.key);
    if (!perSession) this.sessionConnections.set(relay.key, (perSession = new Map()));
    let connection = perSession.get(name);
    if (!connection) {
      connection = new BackendConnection({
        name,
        config: this.entry(name).config,
        credentials: this.deps.credentials,
        logger: this.deps.logger,
        clientInfo: this.deps.clientInfo,
        capabilities: relay.capabilities,
        configureClient: (client) => relay.configureClient(client, name),
        autoReconnect: false,
      });
      perSession.set(name, connection);
    }
    return connection;
  }

  /** Every open per-session connection of one client session (to forward e.g. roots/list_changed). */
  sessionConnectionsOf(key: string): BackendConnection[] {
    return [...(this.sessionConnections.get(key)?.values() ?? [])];
  }

  async closeSession(key: string): Promise<void> {
    const connections = this.sessionConnections.get(key);
    this.sessionConnections.delete(key);
    await Promise.all([...(connections?.values() ?? [])].map((connection) => connection.close()));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private entry(name: string): BackendEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new NotFoundError(`unknown server "${name}"`);
    return entry;
  }

  /** Takes every connection of a server out of use (shared and per-session) and returns them for closing. */
  private detach(entry: BackendEntry): BackendConnection[] {
    const connections = entry.shared ? [entry.shared] : [];
    entry.shared = undefined;
    for (const perSession of this.sessionConnections.values()) {
      const connection = perSession.get(entry.name);
      if (connection) connections.push(connection);
      perSession.delete(entry.name);
    }
    return connections;
  }

  private openShared(entry: BackendEntry): Promise<unknown> {
    return (entry.shared ?? this.createShared(entry)).connect();
  }

  private createShared(entry: BackendEntry): BackendConnection {
    entry.shared = new BackendConnection({
      name: entry.name,
      config: entry.config,
      credentials: this.deps.credentials,
      logger: this.deps.logger,
      clientInfo: this.deps.clientInfo,
      autoReconnect: true,
      onChange: () => this.changed(),
    });
    return entry.shared;
  }

  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      for (const listener of this.listeners) listener();
    }, CHANGE_DEBOUNCE_MS);
    this.changeTimer.unref();
  }
}

function onlyLiveFieldsDiffer(before: ServerConfig, after: ServerConfig): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as Array<keyof ServerConfig>);
  return [...keys].every((key) => LIVE_FIELDS.has(key) || JSON.stringify(before[key]) === JSON.stringify(after[key]));
}
