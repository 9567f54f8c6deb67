/**
 * Hot reload of the servers file: re-reads it (on change, `SIGHUP` or an admin edit), validates it whole, and hands
 * the result to the registry, which changes only what changed. A bad file is refused and the running servers stay.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AuditBus } from '../audit/audit-bus.js';
import type { BackendRegistry, ServersChange } from '../backends/backend-registry.js';
import type { ServersConfig } from '../backends/server-config.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { loadServersFile } from './servers.js';

/** Editors write a file in several steps (truncate, write, rename); wait for the burst to end. */
const WATCH_DEBOUNCE_MS = 150;

export type ReloadSource = 'file' | 'signal' | 'admin' | 'api';

export interface ServersReloaderDeps {
  file: string;
  registry: BackendRegistry;
  /** Checks what the registry cannot (e.g. that a plugin resolves every credential scheme); throws ConfigError. */
  check(servers: ServersConfig): void;
  audit: AuditBus;
  logger: Logger;
}

export class ServersReloader {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ServersReloaderDeps) {}

  get file(): string {
    return this.deps.file;
  }

  /**
   * Applies the file as it is now. Reloads run one at a time. Throws ConfigError when the file is invalid (the
   * registry is untouched). Changes from a file edit or a signal are audited here; the admin API audits its own.
   */
  reload(source: ReloadSource): Promise<ServersChange> {
    const run = this.queue.catch(() => undefined).then(() => this.apply(source));
    this.queue = run;
    return run;
  }

  /** Watches the file's directory, so a file replaced by rename (most editors, atomic writes) is still seen. */
  watch(): void {
    const name = basename(this.deps.file);
    try {
      this.watcher = watch(dirname(this.deps.file), (_event, changed) => {
        if (changed !== null && changed !== name) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.reload('file').catch(() => undefined), WATCH_DEBOUNCE_MS);
      });
      this.watcher.on('error', (error) => this.deps.logger.warn(`stopped watching ${this.deps.file}: ${describeError(error)}`));
      this.watcher.unref();
    } catch (error) {
      this.deps.logger.warn(`cannot watch ${this.deps.file} (reload with SIGHUP instead): ${describeError(error)}`);
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async apply(source: ReloadSource): Promise<ServersChange> {
    let change: ServersChange;
    try {
      const servers = await loadServersFile(this.deps.file);
      this.deps.check(servers);
      change = await this.deps.registry.apply(servers);
    } catch (error) {
      const message = describeError(error);
      this.deps.logger.error(`servers file not reloaded, the running servers stay as they were: ${message}`);
      if (source !== 'admin') this.deps.audit.emit({ event_type: 'config_change', outcome: 'error', error: message, details: { action: 'servers_reload', source } });
      throw error;
    }
    const changed = change.added.length + change.removed.length + change.changed.length > 0;
    if (changed) {
      this.deps.logger.info(`servers reloaded (${source}): added [${change.added.join(', ')}], removed [${change.removed.join(', ')}], changed [${change.changed.join(', ')}]`);
      if (source !== 'admin') this.deps.audit.emit({ event_type: 'config_change', outcome: 'success', details: { action: 'servers_reload', source, ...change } });
    }
    return change;
  }
}
