import type { Channel } from '../request-info.js';

/** Every kind of audit event (docs/AUDIT.md says when each is emitted); the JSON schema's enum is checked against it. */
export const AUDIT_EVENT_TYPES = [
  'tool_call',
  'tools_list',
  'resource_read',
  'resources_list',
  'prompt_get',
  'prompts_list',
  'completion',
  'broadcast',
  'session_start',
  'session_end',
  'auth_failure',
  'access_denied',
  'config_change',
  'server_status',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'error', 'denied'] as const;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One audited operation. Emitted by the core for every route; `arguments` and `error` are already redacted
 * (sensitive keys and every resolved credential value) before any sink sees the event.
 */
export interface AuditEvent {
  id: string;
  /** ISO-8601, UTC. */
  timestamp: string;
  event_type: AuditEventType;
  request_id?: string;
  trace_id?: string;
  /** Id of the parent event (a broadcast's per-target events point at the broadcast). */
  parent_id?: string;
  principal?: { sub: string; username: string; roles: string[] };
  client?: { address?: string; user_agent?: string };
  session_id?: string;
  channel?: Channel;
  server?: string;
  tool?: string;
  resource?: string;
  prompt?: string;
  arguments?: unknown;
  outcome: AuditOutcome;
  error?: string;
  duration_ms?: number;
  /** Size in bytes of the serialized result, when there is one. */
  result_size?: number;
  /** Event-type specific facts (e.g. broadcast totals, a config change's fields). */
  details?: Record<string, unknown>;
}
