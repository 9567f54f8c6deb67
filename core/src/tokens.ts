/**
 * Typed service references: the only way plugins share services with each other (never through each other's
 * files). A plugin `provide`s an implementation under a token declared here; another `get`s it. Backed by tsyringe.
 */
import type { AuditEvent, AuditEventType, AuditOutcome } from './audit/audit-event.js';

export interface ServiceToken<T> {
  readonly key: symbol;
  readonly description: string;
  /** Phantom field that carries the service type; never set. */
  readonly __type?: T;
}

export function defineServiceToken<T>(description: string): ServiceToken<T> {
  return { key: Symbol(description), description };
}

/** Filters for reading the audit trail back. */
export interface AuditQuery {
  user?: string;
  server?: string;
  tool?: string;
  outcome?: AuditOutcome;
  eventType?: AuditEventType;
  from?: Date;
  to?: Date;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface AuditPage {
  events: AuditEvent[];
  nextCursor?: string;
}

/** Provided by a durable audit sink that can be queried (e.g. PostgreSQL); used by `GET /audit`, the CLI and the UI. */
export interface AuditStore {
  query(query: AuditQuery): Promise<AuditPage>;
}

export const AuditStoreToken = defineServiceToken<AuditStore>('AuditStore');

/**
 * Provided by an authentication plugin to extend every `WWW-Authenticate: Bearer` challenge the core sends
 * (RFC 6750, RFC 9728), e.g. with `resource_metadata` and `scope`.
 */
export interface AuthChallenge {
  parameters(): Record<string, string>;
}

export const AuthChallengeToken = defineServiceToken<AuthChallenge>('AuthChallenge');
