/**
 * The rule itself, free of the gateway: which client asked (from a request header) and whether the server it wants
 * carries one of that client's tags. Kept pure so it is tested without starting anything.
 */
import type { AuthorizeDecision } from '@secure-mcp-gateway/core';
import type { ResolvedClientTagOptions } from './options.js';

/** Header values are caller input: only plain names are taken, so nothing odd reaches logs or error messages. */
const CLIENT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The client named in the request headers; `undefined` without the header, `null` when the value is not a plain name. */
export function clientOf(headers: Record<string, string | string[] | undefined>, header: string): string | null | undefined {
  const raw = headers[header.toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  return CLIENT_NAME.test(value) ? value : null;
}

/**
 * `undefined` means "no opinion" (other policies, e.g. rbac, still decide); a decision with `allow: false` is final,
 * because deny wins in the gateway's authorize series. This plugin never grants more than the others allow.
 */
export function decide(options: ResolvedClientTagOptions, client: string | null | undefined, serverTags: readonly string[]): AuthorizeDecision | undefined {
  if (client === undefined) {
    return options.untagged === 'deny' ? { allow: false, reason: `requests must name their client in the "${options.header}" header` } : undefined;
  }
  const allowed = client === null ? undefined : options.clients[client];
  if (!allowed) return { allow: false, reason: `unknown client${client ? ` "${client}"` : ''} in the "${options.header}" header` };
  if (allowed.includes('*') || serverTags.some((tag) => allowed.includes(tag))) return undefined;
  return { allow: false, reason: `client "${client}" may only use servers tagged ${allowed.join(', ')}` };
}
