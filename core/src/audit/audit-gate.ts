import { ConfigError, ServiceUnavailableError } from '../errors.js';
import type { HookBus } from '../hook-bus.js';
import type { Logger } from '../logging/logger.js';

/**
 * `audit.failClosed`: while no durable audit sink can accept events, calls are refused rather than served
 * unrecorded. Asked before every authorization, so it only reads the sinks' own flags (no I/O).
 */
export class AuditGate {
  private closedSince: number | undefined;

  constructor(
    private readonly hooks: HookBus,
    private readonly logger: Logger,
    readonly enabled: boolean,
  ) {}

  /** At start-up: failClosed with nothing durable to write to would refuse every call forever. */
  assertConfigured(): void {
    if (!this.enabled || this.hooks.durableSinks().length) return;
    const sinks = this.hooks.has('audit') ? 'the configured audit sinks only forward events' : 'no audit sink is configured';
    throw new ConfigError(`audit.failClosed needs a durable audit sink (audit-file or audit-postgres), but ${sinks}`, 'config.audit.failClosed');
  }

  /** The error to refuse a call with, or undefined while some durable sink can accept events. */
  refusal(): ServiceUnavailableError | undefined {
    if (!this.enabled) return undefined;
    if (this.someSinkAccepts()) {
      if (this.closedSince !== undefined) {
        this.logger.warn(`an audit sink accepts events again; serving calls (audit.failClosed, refused for ${Date.now() - this.closedSince} ms)`);
        this.closedSince = undefined;
      }
      return undefined;
    }
    const why = this.hooks.durableSinks().map(({ plugin, sink }) => `${plugin}: ${sink.reason?.() ?? 'cannot accept events'}`).join('; ');
    const message = `no durable audit sink can record this call (${why}); calls are refused until one can (audit.failClosed)`;
    if (this.closedSince === undefined) {
      this.closedSince = Date.now();
      this.logger.error(`refusing calls: ${message}`);
    } else {
      this.logger.warn(`refused a call: ${message}`);
    }
    return new ServiceUnavailableError(message);
  }

  /** For `/health`: the reason calls are refused now, if they are. */
  closedReason(): string | undefined {
    if (!this.enabled || this.someSinkAccepts()) return undefined;
    return 'no durable audit sink can accept events (audit.failClosed)';
  }

  private someSinkAccepts(): boolean {
    return this.hooks.durableSinks().some(({ sink }) => sink.canAccept());
  }
}
