/**
 * Typed errors. Every error the gateway raises on purpose is a GatewayError: it carries the HTTP status for REST
 * and the MCP HTTP transport, the JSON-RPC code for MCP messages, and a message that is safe to show a caller.
 * One place (http/error-response.ts and mcp/rpc-error.ts) turns them into responses.
 */

/** JSON-RPC codes. -32000..-32099 are implementation-defined; the MCP SDK already uses -32000 (closed) and -32001 (timeout). */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  RequestTimeout: -32001,
  BackendUnavailable: -32002,
  AccessDenied: -32003,
  Unauthenticated: -32004,
  BackendError: -32005,
  /** As in the Language Server Protocol; MCP sends no answer to a cancelled request, so this reaches logs and audit. */
  RequestCancelled: -32800,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

export interface GatewayErrorOptions {
  /** Extra fields that are safe to return to the caller (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class GatewayError extends Error {
  /** Short stable identifier, e.g. `not_found`; used as `error` in REST bodies. */
  readonly code: string = 'internal_error';
  readonly status: number = 500;
  readonly rpcCode: number = RpcCode.InternalError;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }
}

export class BadRequestError extends GatewayError {
  override readonly code = 'bad_request';
  override readonly status = 400;
  override readonly rpcCode = RpcCode.InvalidParams;
}

export class InvalidJsonError extends GatewayError {
  override readonly code = 'invalid_json';
  override readonly status = 400;
  override readonly rpcCode = RpcCode.ParseError;
}

export class PayloadTooLargeError extends GatewayError {
  override readonly code = 'payload_too_large';
  override readonly status = 413;
  override readonly rpcCode = RpcCode.InvalidRequest;
}

export class AuthenticationError extends GatewayError {
  override readonly code: string = 'invalid_token';
  override readonly status = 401;
  override readonly rpcCode = RpcCode.Unauthenticated;
}

/** A valid token that lacks a scope the resource requires (RFC 6750 §3.1). */
export class InsufficientScopeError extends GatewayError {
  override readonly code = 'insufficient_scope';
  override readonly status = 403;
  override readonly rpcCode = RpcCode.AccessDenied;
  constructor(message: string, readonly requiredScopes: string[], options: GatewayErrorOptions = {}) {
    super(message, options);
  }
}

export class AccessDeniedError extends GatewayError {
  override readonly code = 'access_denied';
  override readonly status = 403;
  override readonly rpcCode = RpcCode.AccessDenied;
}

export class NotFoundError extends GatewayError {
  override readonly code = 'not_found';
  override readonly status = 404;
  override readonly rpcCode = RpcCode.InvalidParams;
}

/** The request clashes with the current state, e.g. registering a server name that is taken. */
export class ConflictError extends GatewayError {
  override readonly code = 'conflict';
  override readonly status = 409;
  override readonly rpcCode = RpcCode.InvalidParams;
}

/** An unknown or expired MCP session: the client must initialize again (MCP transport spec). */
export class SessionNotFoundError extends GatewayError {
  override readonly code = 'session_not_found';
  override readonly status = 404;
  override readonly rpcCode = RpcCode.InvalidRequest;
}

/** The backend answered with an error or could not be reached. */
export class BackendError extends GatewayError {
  override readonly code = 'backend_error';
  override readonly status = 502;
  override readonly rpcCode = RpcCode.BackendError;
}

/** The backend is down or could not be reached (HTTP 502, as a reverse proxy answers). */
export class BackendUnavailableError extends GatewayError {
  override readonly code = 'backend_unavailable';
  override readonly status = 502;
  override readonly rpcCode = RpcCode.BackendUnavailable;
}

export class BackendTimeoutError extends GatewayError {
  override readonly code = 'backend_timeout';
  override readonly status = 504;
  override readonly rpcCode = RpcCode.RequestTimeout;
}

/** The caller cancelled the request (MCP notifications/cancelled, or it went away); nobody waits for the answer. */
export class RequestCancelledError extends GatewayError {
  override readonly code = 'cancelled';
  /** nginx's "client closed request": no standard status fits, and no client is left to read it. */
  override readonly status = 499;
  override readonly rpcCode = RpcCode.RequestCancelled;
}

/** A dependency of the gateway itself (a JWKS endpoint, an audit store) is down: refuse rather than guess. */
export class ServiceUnavailableError extends GatewayError {
  override readonly code = 'service_unavailable';
  override readonly status = 503;
  override readonly rpcCode = RpcCode.InternalError;
}

/** Bad configuration found at start-up or reload. `path` names the offending field, e.g. `servers.prod.timeout`. */
export class ConfigError extends GatewayError {
  override readonly code = 'config_error';
  override readonly status = 500;
  constructor(message: string, readonly path?: string, options: GatewayErrorOptions = {}) {
    super(path ? `${path}: ${message}` : message, options);
  }
}

/** A plugin failed; the message names it and says why (for operators: logs, audit, start-up errors). */
export class PluginError extends GatewayError {
  override readonly code = 'plugin_error';
  override readonly status = 500;
  constructor(readonly plugin: string, readonly phase: string, cause: unknown) {
    super(`plugin "${plugin}" failed in ${phase}: ${describeError(cause)}`, { cause });
  }

  /** What a caller is told: which plugin failed, never its internals (a thrown error may hold hosts or credentials). */
  get publicMessage(): string {
    return this.plugin === 'core' ? 'internal error' : `plugin "${this.plugin}" failed in ${this.phase}`;
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** Several configuration mistakes as one message: one stays a line, more become a list, one per line. */
export function listMistakes(mistakes: readonly string[]): string {
  return mistakes.length === 1 ? mistakes[0]! : `${mistakes.length} problems:\n  - ${mistakes.join('\n  - ')}`;
}

/** A one-line description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
