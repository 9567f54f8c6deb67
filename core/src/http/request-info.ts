import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Channel, RequestInfo } from '../request-info.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** What hooks and audit may know of one HTTP request. A caller's `X-Request-Id` is kept when it is well-formed. */
export function requestInfoOf(req: Request, channel: Channel): RequestInfo {
  const given = req.get('x-request-id');
  const trace = TRACEPARENT.exec(req.get('traceparent') ?? '');
  const sessionId = req.get('mcp-session-id');
  const userAgent = req.get('user-agent');
  return {
    requestId: given && REQUEST_ID.test(given) ? given : randomUUID(),
    channel,
    method: req.method,
    path: req.path,
    headers: req.headers,
    ...(req.ip ? { clientAddress: req.ip } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(sessionId ? { sessionId } : {}),
    ...(trace ? { traceId: trace[1]! } : {}),
  };
}
