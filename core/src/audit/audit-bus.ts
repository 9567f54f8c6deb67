import { randomUUID } from 'node:crypto';
import { describeError } from '../errors.js';
import type { HookBus } from '../hook-bus.js';
import type { Logger } from '../logging/logger.js';
import type { AuditEvent } from './audit-event.js';
import { redactCredentialsIn, type SecretRedactor } from './secret-redactor.js';

export type AuditInput = Omit<AuditEvent, 'id' | 'timestamp'> & Partial<Pick<AuditEvent, 'id' | 'timestamp'>>;

/**
 * Hands every event to every `audit` sink, off the caller's path (like Kong's log phase): `emit` returns at once.
 * Arguments and error text are redacted here, once, so no sink can forget to.
 */
export class AuditBus {
  private readonly failures = new Map<string, { count: number; last: string }>();
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly hooks: HookBus,
    private readonly redactor: SecretRedactor,
    private readonly logger: Logger,
  ) {}

  /** Returns the event id, so children (broadcast targets) can point at it. */
  emit(input: AuditInput): string {
    // With no sink, building and redacting the event is work on every call that nobody reads.
    if (!this.hooks.has('audit')) return input.id ?? randomUUID();
    const event: AuditEvent = {
      ...input,
      id: input.id ?? randomUUID(),
      timestamp: input.timestamp ?? new Date().toISOString(),
      ...(input.arguments !== undefined ? { arguments: this.redactor.scrubValue(input.arguments) } : {}),
      ...(input.error !== undefined ? { error: redactCredentialsIn(this.redactor.scrubString(input.error)) } : {}),
      ...(input.details !== undefined ? { details: this.redactor.scrubValue(input.details) as Record<string, unknown> } : {}),
    };
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.hooks.runAudit(event, (plugin, error) => this.sinkFailed(plugin, error)))
      .finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return event.id;
  }

  /** Waits for every event emitted so far to reach the sinks (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Sinks that failed, with their last error, for `/health`. */
  sinkFailures(): Record<string, { count: number; last: string }> {
    return Object.fromEntries(this.failures);
  }

  private sinkFailed(plugin: string, error: unknown): void {
    const last = redactCredentialsIn(this.redactor.scrubString(describeError(error)));
    const entry = this.failures.get(plugin) ?? { count: 0, last };
    entry.count++;
    entry.last = last;
    this.failures.set(plugin, entry);
    this.logger.error(`audit sink "${plugin}" failed: ${last}`);
  }
}
