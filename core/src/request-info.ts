import type { IncomingHttpHeaders } from 'node:http';

/** Which front door a request came through. */
export type Channel = 'mcp' | 'server-mcp' | 'rest';

/** What hooks may know of the incoming HTTP request. Built once per request by the core. */
export interface RequestInfo {
  /** Unique id for this request; audit events and logs carry it. */
  requestId: string;
  channel: Channel;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  clientAddress?: string;
  userAgent?: string;
  /** `Mcp-Session-Id` of the client session, when there is one. */
  sessionId?: string;
  /** W3C trace id, when the caller sent a `traceparent` header. */
  traceId?: string;
}
