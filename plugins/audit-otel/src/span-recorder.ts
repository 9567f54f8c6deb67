import { randomBytes } from 'node:crypto';
import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, TraceFlags, type Tracer, trace } from '@opentelemetry/api';
import type { AuditEvent } from '@secure-mcp-gateway/core';
import { eventAttributes, isRequestEvent, methodOf, spanName } from './event-attributes.js';

/** Broadcast targets are audited before their broadcast ends; they wait this long for it, then stand alone. */
const ORPHAN_AFTER_MS = 60_000;
/** Bounds the waiting room when parents never come (e.g. a plugin emitting children only). */
const MAX_WAITING_PARENTS = 10_000;
const BACKEND_CALLS = new Set(['tool_call', 'resource_read', 'prompt_get']);

/**
 * Turns audit events into spans after the fact, with their real start and end (the event's timestamp is when the
 * operation ended; `duration_ms` says how long it took). One SERVER span per request, with a CLIENT child per
 * backend call: one for a single call, one per target for a broadcast. A caller's `traceparent` trace id is kept.
 */
export class SpanRecorder {
  private readonly waiting = new Map<string, { since: number; children: AuditEvent[] }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly tracer: Tracer,
    private readonly recordUser: boolean,
  ) {
    this.sweeper = setInterval(() => this.flushOrphans(Date.now() - ORPHAN_AFTER_MS), ORPHAN_AFTER_MS / 4);
    this.sweeper.unref();
  }

  record(event: AuditEvent): void {
    if (event.parent_id) {
      this.wait(event.parent_id, event);
      return;
    }
    if (!isRequestEvent(event)) return;
    const parentContext = event.trace_id ? remoteParent(event.trace_id) : ROOT_CONTEXT;
    const span = this.start(event, SpanKind.SERVER, spanName(event), parentContext);
    const inside = trace.setSpan(parentContext, span);
    const children = event.event_type === 'broadcast' ? this.take(event.id) : BACKEND_CALLS.has(event.event_type) && event.server ? [event] : [];
    for (const child of children) this.child(child, inside);
    this.end(span, event);
  }

  /** Records children whose parent never came (and stops the sweeper). */
  close(): void {
    clearInterval(this.sweeper);
    this.flushOrphans(Infinity);
  }

  private child(event: AuditEvent, parent: Context): void {
    const backendCall = BACKEND_CALLS.has(event.event_type);
    const target = event.tool ?? event.resource ?? event.prompt;
    const name = backendCall ? `${methodOf(event)} ${target ?? ''}`.trim() : spanName(event);
    const span = this.start(event, backendCall ? SpanKind.CLIENT : SpanKind.INTERNAL, name, parent);
    this.end(span, event);
  }

  private start(event: AuditEvent, kind: SpanKind, name: string, parent: Context): Span {
    const end = Date.parse(event.timestamp);
    return this.tracer.startSpan(name, { kind, startTime: end - (event.duration_ms ?? 0), attributes: eventAttributes(event, this.recordUser) }, parent);
  }

  private end(span: Span, event: AuditEvent): void {
    if (event.outcome !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, ...(event.error ? { message: event.error } : {}) });
    span.end(Date.parse(event.timestamp));
  }

  private wait(parentId: string, event: AuditEvent): void {
    let entry = this.waiting.get(parentId);
    if (!entry) {
      if (this.waiting.size >= MAX_WAITING_PARENTS) this.flushOrphans(Infinity);
      this.waiting.set(parentId, (entry = { since: Date.now(), children: [] }));
    }
    entry.children.push(event);
  }

  private take(parentId: string): AuditEvent[] {
    const entry = this.waiting.get(parentId);
    this.waiting.delete(parentId);
    return entry?.children ?? [];
  }

  private flushOrphans(olderThan: number): void {
    for (const [parentId, entry] of this.waiting) {
      if (entry.since > olderThan) continue;
      this.waiting.delete(parentId);
      for (const child of entry.children) this.record({ ...child, parent_id: undefined } as AuditEvent);
    }
  }
}

/** The caller's trace (from its `traceparent`), so the gateway's spans join it; the caller's span id is not kept. */
function remoteParent(traceId: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true });
}
