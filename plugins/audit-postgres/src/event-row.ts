import type { AuditEvent } from '@secure-mcp-gateway/core';

/** One row of the events table (the `seq` identity is assigned by PostgreSQL). */
export interface EventRow {
  id: string;
  ts: string;
  event_type: string;
  outcome: string;
  request_id: string | null;
  trace_id: string | null;
  parent_id: string | null;
  principal_sub: string | null;
  principal_username: string | null;
  principal_roles: string[] | null;
  client_address: string | null;
  user_agent: string | null;
  session_id: string | null;
  channel: string | null;
  server: string | null;
  tool: string | null;
  resource: string | null;
  prompt: string | null;
  arguments: string | null;
  error: string | null;
  duration_ms: number | null;
  result_size: number | null;
  details: string | null;
}

/** PostgreSQL refuses NUL in text and jsonb; a caller's argument must not be able to make an event unwritable. */
function clean(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

function text(value: string | undefined): string | null {
  return value === undefined ? null : clean(value);
}

/** A plugin's event is typed, not checked: a value PostgreSQL would refuse must not block the events after it. */
function finite(value: number | undefined, integer = false): number | null {
  return typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value)) ? value : null;
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? clean(item) : item));
}

export function toRow(event: AuditEvent): EventRow {
  return {
    id: event.id,
    // A plugin may set its own timestamp; one PostgreSQL cannot read must not block the events after it.
    ts: Number.isNaN(Date.parse(event.timestamp)) ? new Date().toISOString() : event.timestamp,
    event_type: event.event_type,
    outcome: event.outcome,
    request_id: text(event.request_id),
    trace_id: text(event.trace_id),
    parent_id: text(event.parent_id),
    principal_sub: text(event.principal?.sub),
    principal_username: text(event.principal?.username),
    principal_roles: event.principal ? event.principal.roles.map(clean) : null,
    client_address: text(event.client?.address),
    user_agent: text(event.client?.user_agent),
    session_id: text(event.session_id),
    channel: text(event.channel),
    server: text(event.server),
    tool: text(event.tool),
    resource: text(event.resource),
    prompt: text(event.prompt),
    arguments: json(event.arguments),
    error: text(event.error),
    duration_ms: finite(event.duration_ms),
    result_size: finite(event.result_size, true),
    details: json(event.details),
  };
}

/** A row as read back (pg parses jsonb, text[] and timestamptz; bigint comes as a string). */
export interface StoredRow extends Omit<EventRow, 'ts' | 'arguments' | 'details' | 'result_size'> {
  seq: string;
  ts: Date;
  arguments: unknown;
  details: Record<string, unknown> | null;
  result_size: string | number | null;
}

export function fromRow(row: StoredRow): AuditEvent {
  const event: AuditEvent = { id: row.id, timestamp: row.ts.toISOString(), event_type: row.event_type as AuditEvent['event_type'], outcome: row.outcome as AuditEvent['outcome'] };
  const optional: Partial<AuditEvent> = {
    request_id: row.request_id ?? undefined,
    trace_id: row.trace_id ?? undefined,
    parent_id: row.parent_id ?? undefined,
    principal: row.principal_sub !== null ? { sub: row.principal_sub, username: row.principal_username ?? '', roles: row.principal_roles ?? [] } : undefined,
    client: row.client_address !== null || row.user_agent !== null ? { ...(row.client_address !== null ? { address: row.client_address } : {}), ...(row.user_agent !== null ? { user_agent: row.user_agent } : {}) } : undefined,
    session_id: row.session_id ?? undefined,
    channel: (row.channel ?? undefined) as AuditEvent['channel'],
    server: row.server ?? undefined,
    tool: row.tool ?? undefined,
    resource: row.resource ?? undefined,
    prompt: row.prompt ?? undefined,
    arguments: row.arguments ?? undefined,
    error: row.error ?? undefined,
    duration_ms: row.duration_ms ?? undefined,
    result_size: row.result_size !== null ? Number(row.result_size) : undefined,
    details: row.details ?? undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
  return event;
}
