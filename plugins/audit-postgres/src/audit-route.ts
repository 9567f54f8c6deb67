import { Router, type Request } from 'express';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  BadRequestError,
  requestPrincipal,
  type AuditQuery,
  type AuditStore,
  type PluginContext,
  type RequestInfo,
} from '@secure-mcp-gateway/core';

const PARAMETERS = new Set(['user', 'server', 'tool', 'outcome', 'event_type', 'from', 'to', 'limit', 'cursor']);

/**
 * `GET /audit?user=&server=&tool=&outcome=&event_type=&from=&to=&limit=&cursor=`: the trail, newest first, for
 * callers allowed the `admin` action only (a refusal is itself audited).
 */
export function auditRouter(context: PluginContext<unknown>, store: AuditStore, maxLimit: number): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const principal = requestPrincipal(res.locals);
    const request = res.locals['request'] as RequestInfo;
    await context.requireAccess({ principal, request, action: 'admin', target: {} });
    const page = await store.query(parseQuery(req, maxLimit));
    res.json({ events: page.events, count: page.events.length, next_cursor: page.nextCursor ?? null });
  });
  return router;
}

export function parseQuery(req: Request, maxLimit: number): AuditQuery {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (!PARAMETERS.has(key)) throw new BadRequestError(`unknown query parameter "${key}"; use ${[...PARAMETERS].join(', ')}`);
    if (typeof value !== 'string' || value === '') throw new BadRequestError(`query parameter "${key}" must be given once, not empty`);
    params[key] = value;
  }
  const query: AuditQuery = {};
  if (params['user']) query.user = params['user'];
  if (params['server']) query.server = params['server'];
  if (params['tool']) query.tool = params['tool'];
  if (params['outcome']) query.outcome = oneOf('outcome', params['outcome'], AUDIT_OUTCOMES);
  if (params['event_type']) query.eventType = oneOf('event_type', params['event_type'], AUDIT_EVENT_TYPES);
  if (params['from']) query.from = date('from', params['from']);
  if (params['to']) query.to = date('to', params['to']);
  if (params['limit']) query.limit = limit(params['limit'], maxLimit);
  if (params['cursor']) query.cursor = params['cursor'];
  return query;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new BadRequestError(`"${name}" must be one of ${allowed.join(', ')}`);
  return value as T;
}

function date(name: string, value: string): Date {
  const parsed = new Date(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(parsed.getTime())) throw new BadRequestError(`"${name}" must be an ISO-8601 date or date-time, e.g. 2026-01-31T12:00:00Z`);
  return parsed;
}

function limit(value: string, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) throw new BadRequestError(`"limit" must be an integer from 1 to ${max}`);
  return parsed;
}
