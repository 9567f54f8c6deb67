/**
 * Says why PostgreSQL cannot take audit events, and what to fix: a server that cannot be reached is a different
 * problem from one that answers but refuses the login, has no such database, or denies the user a permission.
 * Messages name the host and port of DATABASE_URL, never its password.
 */
export type DatabaseFailureKind = 'unreachable' | 'login refused' | 'no database' | 'permission denied' | 'failed';

/** A failure of PostgreSQL with its kind; `summary` has no host, user or database name (it is shown by /health). */
export class DatabaseFailure extends Error {
  override readonly name = 'DatabaseFailure';
  constructor(readonly kind: DatabaseFailureKind, readonly summary: string, message: string) {
    super(message);
  }
}

/** PostgreSQL's SQLSTATE codes for a refused login, a missing database and a missing permission. */
const LOGIN_REFUSED = new Set(['28000', '28P01']);
const NO_DATABASE = '3D000';
const PERMISSION_DENIED = '42501';
/** Network errors, and the pg pool's own connect timeout, that mean the server was never reached. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const UNREACHABLE_MESSAGE = /timeout|terminated unexpectedly|Connection terminated/i;

export function explainDatabaseFailure(error: unknown, connectionString: string): DatabaseFailure {
  if (error instanceof DatabaseFailure) return error;
  const origin = withCode(error);
  // The kind is said in words; PostgreSQL's own message follows, without its SQLSTATE code.
  const reason = origin instanceof Error ? origin.message || origin.constructor.name : String(origin);
  const code = (origin as { code?: string } | undefined)?.code;
  const at = `PostgreSQL at ${serverOf(connectionString)}`;
  if (code && LOGIN_REFUSED.has(code)) {
    return new DatabaseFailure('login refused', 'PostgreSQL refused the login', `${at} is reachable but refused the login (${reason}): check the user name and password in DATABASE_URL`);
  }
  if (code === NO_DATABASE) {
    return new DatabaseFailure('no database', 'PostgreSQL has no such database', `${at} is reachable but has no such database (${reason}): create it, or fix the database name in DATABASE_URL`);
  }
  if (code === PERMISSION_DENIED) {
    return new DatabaseFailure('permission denied', 'PostgreSQL denied a permission', `${at} denied the user of DATABASE_URL a permission it needs (${reason}): grant it CREATE on the schema and INSERT and SELECT on the audit table`);
  }
  if ((code && UNREACHABLE_CODES.has(code)) || UNREACHABLE_MESSAGE.test(reason)) {
    return new DatabaseFailure('unreachable', 'PostgreSQL unreachable', `${at} is unreachable (${reason}): check the host and port in DATABASE_URL and that the server is running`);
  }
  return new DatabaseFailure('failed', 'PostgreSQL cannot take audit events', `${at} cannot take audit events (${reason})`);
}

/** The error, or the cause it wraps (e.g. a failed migration), that carries PostgreSQL's or the network's code. */
function withCode(error: unknown): unknown {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (typeof (current as { code?: unknown }).code === 'string') return current;
  }
  return error;
}

/** `host:port` of a connection string; its user and password are never part of a message. */
function serverOf(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || '5432'}`;
  } catch {
    return 'DATABASE_URL';
  }
}
