import type { AuditEvent, Logger } from '@secure-mcp-gateway/core';
import type { Spool } from './spool.js';

/** Where the writer is: writing to PostgreSQL, or keeping events in the spool file until it can replay them. */
export type WriterMode = 'direct' | 'spooling';

export interface BatchWriterOptions {
  batchSize: number;
  maxQueue: number;
  /** Most events held in memory while neither PostgreSQL nor the spool can take them; later ones are dropped. */
  maxHeldEvents: number;
  retryIntervalMs: number;
  /** How long a batch smaller than `batchSize` waits for more events before it is written (0: at once). */
  flushIntervalMs: number;
  /**
   * While the spool cannot be written, an idle writer checks the database this often, so an outage is noticed
   * (and `canAccept` turns false) before the next event rather than after it.
   */
  heartbeatMs?: number;
}

export interface EventSink {
  insert(events: readonly AuditEvent[]): Promise<void>;
  /** Throws while the database cannot take events (checked before leaving the spool, and at start). */
  check(): Promise<void>;
}

export interface WriterStatus {
  mode: WriterMode;
  spoolWritable: boolean;
  queued: number;
  written: number;
  /** Events dropped because neither PostgreSQL nor the spool could take them and maxHeldEvents were held. */
  dropped: number;
  lastError?: string;
}

/**
 * Moves events from the request path to PostgreSQL, off that path: `enqueue` only pushes to a bounded queue, and one
 * loop inserts what has gathered, in batches, in order. When an insert fails (or the queue is full) the loop puts the
 * failed batch, the queue and every later event into the spool file, and replays the spool in order once PostgreSQL
 * answers again; only then does it write directly again. So events keep their order and none is lost. While neither
 * PostgreSQL nor the spool can take events they wait in memory, in order, and `canAccept` is false; past
 * `maxHeldEvents` new ones are dropped (counted, logged, in health) so that a double outage cannot exhaust memory —
 * audit.failClosed is the setting for those who would rather refuse calls than lose a record.
 */
export class BatchWriter {
  private mode: WriterMode = 'direct';
  private queue: AuditEvent[] = [];
  /** Events that arrived while spooling, not yet appended to the file. */
  private pending: AuditEvent[] = [];
  private offset = 0;
  private nextRetryAt = 0;
  private written = 0;
  private dropped = 0;
  private lastError: string | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** True while a small batch waits for more events; only a full batch, an outage or stop() cuts that short. */
  private gathering = false;
  private stopping = false;
  private started = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: EventSink,
    private readonly spool: Spool,
    private readonly options: BatchWriterOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens the spool and checks the database. A spool left by an earlier run is replayed before anything new is
   * written; an unreachable database starts the writer spooling. A spool that cannot be opened is logged, not fatal:
   * the writer can accept events while PostgreSQL can (audit.failClosed refuses calls once neither can).
   */
  async start(): Promise<void> {
    await this.spool.open();
    if (!this.spool.writable) this.logger.error(`audit spool ${this.spool.file} cannot be written (${this.spool.error}); events cannot be kept while PostgreSQL is unreachable`);
    const left = await this.spool.size();
    if (left > 0) {
      this.mode = 'spooling';
      this.logger.info(`audit spool ${this.spool.file} holds ${left} bytes from an earlier run; replaying it first`);
    }
    try {
      await this.sink.check();
    } catch (error) {
      this.failed(error);
      this.mode = 'spooling';
      this.logger.error(`${this.lastError}; spooling audit events to ${this.spool.file}`);
    }
    this.started = true;
    if (this.options.heartbeatMs) {
      this.heartbeat = setInterval(() => {
        if (this.mode === 'direct' && !this.loop && !this.spool.writable) this.sink.check().catch((error: unknown) => this.suspend(error));
      }, this.options.heartbeatMs);
      this.heartbeat.unref();
    }
    this.kick();
  }

  enqueue(event: AuditEvent): void {
    if (!this.canAccept && this.pending.length >= this.options.maxHeldEvents) return this.drop();
    if (this.mode === 'direct' && this.queue.length >= this.options.maxQueue) {
      this.logger.warn(`audit queue full (${this.options.maxQueue} events); spooling to ${this.spool.file} until PostgreSQL catches up`);
      this.pending.push(...this.queue.splice(0));
      this.mode = 'spooling';
    }
    (this.mode === 'direct' ? this.queue : this.pending).push(event);
    this.kick();
  }

  private drop(): void {
    // Logged on the first drop and then every 1,000th, so a long outage does not flood the log.
    if (this.dropped++ % 1000 === 0) {
      this.logger.error(
        `audit events dropped (${this.dropped} so far): PostgreSQL and the spool file cannot take them and ${this.options.maxHeldEvents} are held in memory already; set audit.failClosed to refuse calls instead`,
      );
    }
  }

  /** The database went away between writes (e.g. a dropped idle connection): spool from now until it answers. */
  suspend(error: unknown): void {
    if (this.mode !== 'direct' || this.stopping || !this.started) return;
    this.failed(error);
    this.pending.push(...this.queue.splice(0));
    this.mode = 'spooling';
    this.logger.error(`lost PostgreSQL (${this.lastError}); spooling audit events to ${this.spool.file}`);
    this.kick();
  }

  /** True while an event would be kept: PostgreSQL takes events, or else the spool file can be written. No I/O. */
  get canAccept(): boolean {
    return this.mode === 'direct' || this.spool.writable;
  }

  /** Why not, while `canAccept` is false (for refused callers: no host, path or credential). */
  get refusalReason(): string {
    return `PostgreSQL cannot take events and the spool file cannot be written (${this.spool.error ?? 'unknown error'})`;
  }

  status(): WriterStatus {
    return {
      mode: this.mode,
      spoolWritable: this.spool.writable,
      queued: this.queue.length + this.pending.length,
      written: this.written,
      dropped: this.dropped,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Writes or spools everything still held, then closes the spool. An unreachable database is tried once more. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeat);
    this.wake?.();
    await this.loop;
    const left = [...this.queue.splice(0), ...this.pending.splice(0)];
    await this.spool.append(left).catch((error: unknown) =>
      this.logger.error(`${left.length} audit event(s) lost at shutdown: PostgreSQL and the spool ${this.spool.file} could not take them (${describe(error)})`));
    await this.spool.close();
  }

  private kick(): void {
    if (this.loop) {
      if (!this.gathering || this.queue.length >= this.options.batchSize || this.mode !== 'direct' || this.stopping) this.wake?.();
      return;
    }
    if (this.stopping || !this.started) return; // start() begins, stop() spools what is left
    this.loop = this.run()
      .catch((error: unknown) => void this.logger.error(`audit writer stopped: ${describe(error)}`))
      .finally(() => {
        this.loop = undefined;
        if (!this.stopping && (this.queue.length || this.pending.length)) this.kick();
      });
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.mode === 'direct') {
        if (!this.queue.length) return;
        await this.gather();
        if (this.mode === 'direct') await this.writeBatch();
      } else {
        await this.spoolPending();
        if (await this.replayStep()) continue;
        if (this.stopping) return;
        await this.sleep(Math.max(0, this.nextRetryAt - Date.now()));
      }
    }
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue.splice(0, this.options.batchSize);
    try {
      await this.sink.insert(batch);
      this.written += batch.length;
      this.lastError = undefined;
    } catch (error) {
      this.failed(error);
      this.pending.unshift(...batch, ...this.queue.splice(0));
      this.mode = 'spooling';
      this.logger.error(`cannot write audit events to PostgreSQL (${this.lastError}); spooling to ${this.spool.file}`);
    }
  }

  /** Moves the events waiting in memory to the spool file; when it cannot take them they keep waiting, in order. */
  private async spoolPending(): Promise<void> {
    if (!this.pending.length) return;
    const wasWritable = this.spool.writable;
    // They stay in `pending` until the spool has them, so maxHeldEvents counts them while the write is under way.
    const events = this.pending.slice();
    try {
      await this.spool.append(events);
      this.pending.splice(0, events.length);
      if (!wasWritable) this.logger.info(`audit spool ${this.spool.file} can be written again`);
    } catch (error) {
      if (wasWritable) this.logger.error(`cannot write audit spool ${this.spool.file} (${describe(error)}); ${this.pending.length} event(s) wait in memory until PostgreSQL or the spool can take them`);
    }
  }

  /**
   * Lets a small batch grow for up to `flushIntervalMs`: under a steady trickle of calls, one INSERT of many rows
   * costs the gateway and PostgreSQL far less than one INSERT per call.
   */
  private async gather(): Promise<void> {
    if (this.queue.length >= this.options.batchSize || this.options.flushIntervalMs <= 0 || this.stopping) return;
    this.gathering = true;
    try {
      await this.sleep(this.options.flushIntervalMs);
    } finally {
      this.gathering = false;
    }
  }

  /** One batch from the spool into PostgreSQL. Returns true when it made progress (or finished the spool). */
  private async replayStep(): Promise<boolean> {
    if (Date.now() < this.nextRetryAt) return false;
    const read = await this.spool.read(this.offset, this.options.batchSize);
    if (read.unreadable) this.logger.error(`audit spool ${this.spool.file}: skipped ${read.unreadable} unreadable line(s)`);
    if (!read.events.length) {
      if (this.pending.length && this.spool.writable) return true; // spool them first, to replay in order
      try {
        await this.sink.check();
      } catch (error) {
        this.failed(error);
        return false;
      }
      // Replayed rows are idempotent (unique id): a spool that cannot be cleared only costs a second replay.
      await this.spool.clear().catch((error: unknown) => this.logger.error(`cannot clear audit spool ${this.spool.file}: ${describe(error)}`));
      this.offset = 0;
      this.mode = 'direct';
      // Events the spool could not take follow the replayed ones, in order.
      this.queue.unshift(...this.pending.splice(0));
      this.logger.info('audit spool replayed; writing to PostgreSQL directly again');
      return true;
    }
    try {
      await this.sink.insert(read.events);
      this.offset = read.next;
      this.written += read.events.length;
      this.lastError = undefined;
      return true;
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  private failed(error: unknown): void {
    this.lastError = describe(error);
    this.nextRetryAt = Date.now() + this.options.retryIntervalMs;
  }

  /** Waits `ms`, or less when new events arrive or the writer stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message || error.constructor.name : String(error);
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
