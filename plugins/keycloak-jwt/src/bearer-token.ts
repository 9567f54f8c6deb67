import type { RequestInfo } from '@secure-mcp-gateway/core';

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or undefined when the request carries no
 * bearer credential (another authentication plugin may own it). Tokens in query strings are never read.
 */
export function bearerToken(request: RequestInfo): string | undefined {
  const header = request.headers['authorization'];
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
