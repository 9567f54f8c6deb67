import { Router } from 'express';
import { AccessDeniedError, requestPrincipal, type PluginContext, type RequestInfo } from '@secure-mcp-gateway/core';
import type { ClientTagStats } from './decision-stats.js';

/**
 * `GET /client-tag/stats`: the decision counts, for callers the gateway allows the `admin` action. The core has
 * already authenticated the request (the route is mounted with `auth: 'required'`), so the principal is known.
 */
export function statsRouter(context: PluginContext<unknown>, stats: ClientTagStats): Router {
  const router = Router();
  router.get('/client-tag/stats', async (_req, res) => {
    const principal = requestPrincipal(res.locals);
    const request = res.locals['request'] as RequestInfo;
    const decision = await context.authorize({ principal, request, action: 'admin', target: {} });
    if (!decision.allow) {
      const reason = decision.reason ?? 'access denied';
      context.emitAudit({
        event_type: 'access_denied', outcome: 'denied', error: reason, request_id: request.requestId, channel: request.channel,
        principal: { sub: principal.sub, username: principal.username, roles: principal.roles }, details: { action: 'admin', path: '/client-tag/stats' },
      });
      // A GatewayError: the core turns it into 403 {error: "access_denied", message} like its own refusals.
      throw new AccessDeniedError(`reading the client-tag stats denied: ${reason}`);
    }
    res.json({ clients: stats.snapshot() });
  });
  return router;
}
