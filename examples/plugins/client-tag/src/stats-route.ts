import { Router } from 'express';
import { requestPrincipal, type PluginContext, type RequestInfo } from '@secure-mcp-gateway/core';
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
    // A refusal is audited and answered 403 {error: "access_denied", message}, as the core's own refusals are.
    await context.requireAccess({ principal, request, action: 'admin', target: {} });
    res.json({ clients: stats.snapshot() });
  });
  return router;
}
