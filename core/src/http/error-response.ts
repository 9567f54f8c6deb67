import type { Response } from 'express';
import { type GatewayError, InsufficientScopeError, InvalidJsonError, PayloadTooLargeError, PluginError, isGatewayError } from '../errors.js';
import type { AuthChallenge } from '../tokens.js';

/** Anything that is not a GatewayError is an internal fault: its text may hold internals, so callers see a generic message. */
export function asPublicError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const bodyError = error as { type?: string } | undefined;
  if (bodyError?.type === 'entity.parse.failed') return new InvalidJsonError('request body is not valid JSON');
  if (bodyError?.type === 'entity.too.large') return new PayloadTooLargeError('request body is too large');
  return new PluginError('core', 'request', error);
}

/** `WWW-Authenticate` for 401 and insufficient-scope 403 (RFC 6750 §3), extended by the auth plugin's challenge. */
export function setAuthChallenge(res: Response, error: GatewayError, challenge?: AuthChallenge): void {
  if (error.status !== 401 && !(error instanceof InsufficientScopeError)) return;
  const params: Record<string, string> = { realm: 'mcp-gateway', ...challenge?.parameters() };
  if (error.status === 401 && error.message.startsWith('authentication required')) {
    // RFC 6750 §3.1: no error code when the request carried no credentials.
  } else {
    params['error'] = error.code;
    params['error_description'] = error.message;
  }
  if (error instanceof InsufficientScopeError) params['scope'] = error.requiredScopes.join(' ');
  const header = Object.entries(params).map(([key, value]) => `${key}="${value.replace(/["\\\r\n]/g, ' ')}"`).join(', ');
  res.setHeader('WWW-Authenticate', `Bearer ${header}`);
}

/** The REST error body: `{ error, message, details? }` with the error's HTTP status. */
export function sendRestError(res: Response, caught: unknown, challenge?: AuthChallenge): void {
  const error = asPublicError(caught);
  setAuthChallenge(res, error, challenge);
  const message = error instanceof PluginError ? error.publicMessage : error.message;
  res.status(error.status).json({ error: error.code, message, ...(error.details ? { details: error.details } : {}) });
}

/** The MCP transport error body: a JSON-RPC error with `id: null`, with the matching HTTP status. */
export function sendRpcHttpError(res: Response, caught: unknown, challenge?: AuthChallenge): void {
  const error = asPublicError(caught);
  setAuthChallenge(res, error, challenge);
  res.status(error.status).json({ jsonrpc: '2.0', id: null, error: { code: error.rpcCode, message: error.message, data: { error: error.code } } });
}
