/**
 * Assembles the express app: public routes (info, health, plugins' public routes), the MCP endpoints, then
 * everything behind authentication (REST API, plugins' routes), and one error handler for all of them.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AuditBus } from '../audit/audit-bus.js';
import type { AuditGate } from '../audit/audit-gate.js';
import type { ServersConfig } from '../backends/server-config.js';
import type { BackendRegistry } from '../backends/backend-registry.js';
import type { ToolCatalog } from '../catalog/tool-catalog.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { ServersReloader } from '../config/servers-reloader.js';
import { NotFoundError, PluginError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { mcpRouter } from '../mcp/mcp-endpoint.js';
import type { SessionManager } from '../mcp/session-manager.js';
import type { AccessControl } from '../pipeline/access-control.js';
import type { CallContext, CallPipeline } from '../pipeline/call-pipeline.js';
import type { PluginHost } from '../plugin-host.js';
import type { Principal } from '../principal.js';
import type { Channel, RequestInfo } from '../request-info.js';
import type { AuthChallenge } from '../tokens.js';
import { adminRouter } from './admin-routes.js';
import type { Authenticator } from './authenticator.js';
import { asPublicError, sendRestError, sendRpcHttpError } from './error-response.js';
import { healthReport } from './health.js';
import { loopbackOnly } from './loopback-guard.js';
import { requestInfoOf } from './request-info.js';
import { restRouter } from './rest-routes.js';

export interface AppDeps {
  config: GatewayConfig;
  version: string;
  logger: Logger;
  authenticator: Authenticator;
  access: AccessControl;
  pipeline: CallPipeline;
  registry: BackendRegistry;
  catalog: ToolCatalog;
  sessions: SessionManager;
  plugins: PluginHost;
  audit: AuditBus;
  /** audit.failClosed: refuses calls while no durable sink can accept events (also shown by `/health`). */
  auditGate: AuditGate;
  challenge(): AuthChallenge | undefined;
  /** The servers file's reloader, when the servers come from a file (admin API, hot reload). */
  reloader?: ServersReloader;
  /** Checks a server set before it is applied (credential schemes have a plugin). */
  checkServers(servers: ServersConfig): void;
}

export function createApp(deps: AppDeps): express.Express {
  const { config, authenticator, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.server.trustProxy);
  // Unless the operator opted in to unauthenticated remote callers, a gateway without authentication is loopback only.
  if (!authenticator.enabled && config.server.allowUnauthenticatedRemote !== true) app.use(loopbackOnly(config.server.allowedOrigins ?? []));
  app.use(express.json({ limit: config.server.bodyLimit }));

  const authenticate = async (req: Request, channel: Channel): Promise<{ principal: Principal; request: RequestInfo }> => {
    const request = requestInfoOf(req, channel);
    return { principal: await authenticator.authenticate(request), request };
  };
  const logFailure = (req: Request, error: unknown) => {
    if (asPublicError(error) instanceof PluginError) logger.error(`${req.method} ${req.path} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  };

  app.get('/', (_req, res) => {
    res.json({
      name: 'Secure MCP Gateway',
      version: deps.version,
      description: 'A secure gateway in front of Model Context Protocol servers',
      mcp_endpoint: `${config.server.publicUrl}/mcp`,
      capabilities: { tools: { available: deps.catalog.list().length }, authentication: authenticator.enabled, plugins: deps.plugins.names },
    });
  });
  app.get('/health', async (_req, res) => {
    const report = await healthReport(deps);
    res.status(report.status === 'unhealthy' ? 503 : 200).json(report);
  });
  for (const { router } of deps.plugins.routes.filter((route) => route.auth === 'none')) app.use(router);

  app.use(
    mcpRouter({
      sessions: deps.sessions,
      authenticate: async (req, scope) => {
        const attachment = await authenticate(req, scope === undefined ? 'mcp' : 'server-mcp');
        // A transparent endpoint is one server: every request on it needs access to that server (403 + audit if not).
        if (scope !== undefined) await deps.access.require({ ...attachment, action: 'server/access', target: { server: scope } });
        return attachment;
      },
      hasServer: (name) => deps.registry.has(name),
      sendError: (res, error) => {
        logFailure(res.req, error);
        sendRpcHttpError(res, error, deps.challenge());
      },
    }),
  );

  // Everything below requires an authenticated caller.
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const { principal, request } = await authenticate(req, 'rest');
    res.locals['principal'] = principal;
    res.locals['request'] = request;
    next();
  });
  app.get('/config', async (req, res) => {
    await deps.access.require({ principal: res.locals['principal'] as Principal, request: res.locals['request'] as RequestInfo, action: 'admin', target: {} });
    res.json({
      auth_enabled: authenticator.enabled,
      public_url: config.server.publicUrl,
      servers_file: config.serversFile ?? null,
      servers: deps.registry.names(),
      plugins: deps.plugins.names,
      logging: config.logging,
      sessions: config.sessions,
      version: deps.version,
    });
  });
  const contextOf = (req: Request, res: Response, server?: string): CallContext => ({
    principal: res.locals['principal'] as Principal,
    request: res.locals['request'] as RequestInfo,
    ...(server ? { server } : {}),
    signal: abortOnClose(res),
  });
  app.use(restRouter({ pipeline: deps.pipeline, registry: deps.registry, access: deps.access, contextOf }));
  app.use(adminRouter({ registry: deps.registry, access: deps.access, audit: deps.audit, check: deps.checkServers, contextOf, ...(deps.reloader ? { reloader: deps.reloader } : {}) }));
  for (const { router } of deps.plugins.routes.filter((route) => route.auth === 'required')) app.use(router);

  app.use((req: Request) => {
    throw new NotFoundError(`no route ${req.method} ${req.path}`);
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    logFailure(req, error);
    if (res.headersSent) return;
    sendRestError(res, error, deps.challenge());
  });
  return app;
}

/** Aborted when the client goes away before the answer is sent, so backend calls are cancelled too. */
function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}
