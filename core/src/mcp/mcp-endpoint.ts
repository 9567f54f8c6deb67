/**
 * The Streamable HTTP front door: `POST/GET/DELETE /mcp` (all backends, aggregated) and `/servers/<name>/mcp`
 * (one backend, its own names). Every request is authenticated — not only `initialize` — and a session may only be
 * used by the principal that opened it.
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type Request, type Response, Router } from 'express';
import { BadRequestError, NotFoundError, SessionNotFoundError } from '../errors.js';
import type { Principal } from '../principal.js';
import type { RequestInfo } from '../request-info.js';
import type { SessionManager } from './session-manager.js';
import type { RequestAttachment } from './session-server.js';

export interface McpEndpointDeps {
  sessions: SessionManager;
  /** Authenticates the request (401/403 thrown) and describes it; `scope` is the transparent endpoint's backend. */
  authenticate(req: Request, scope: string | undefined): Promise<{ principal: Principal; request: RequestInfo }>;
  hasServer(name: string): boolean;
  sendError(res: Response, error: unknown): void;
}

export function mcpRouter(deps: McpEndpointDeps): Router {
  const router = Router();
  const handle = (scoped: boolean) => async (req: Request, res: Response) => {
    try {
      const scope = scoped ? String(req.params['name']) : undefined;
      const attachment = await deps.authenticate(req, scope);
      // Only after authentication (and authorization), so an anonymous caller cannot probe which servers exist.
      if (scope !== undefined && !deps.hasServer(scope)) throw new NotFoundError(`unknown server "${scope}"`);
      const session = await sessionFor(deps, req, attachment, scope);
      const auth: AuthInfo = {
        token: '',
        clientId: attachment.principal.sub,
        scopes: attachment.principal.scopes,
        extra: attachment as unknown as Record<string, unknown>,
      };
      await session.transport.handleRequest(req, res, req.body, auth);
    } catch (error) {
      if (!res.headersSent) deps.sendError(res, error);
    }
  };
  for (const [path, scoped] of [['/mcp', false], ['/servers/:name/mcp', true]] as const) {
    router.post(path, handle(scoped));
    router.get(path, handle(scoped));
    router.delete(path, handle(scoped));
  }
  return router;
}

async function sessionFor(deps: McpEndpointDeps, req: Request, attachment: RequestAttachment, scope: string | undefined) {
  const id = req.get('mcp-session-id');
  if (id) {
    const session = deps.sessions.get(id);
    // Someone else's session, or one opened on another endpoint, is reported as not found: it is not theirs.
    if (!session || session.ownerSub !== attachment.principal.sub || session.scope !== scope) {
      throw new SessionNotFoundError('session not found; initialize a new session');
    }
    return session;
  }
  if (req.method === 'POST' && isInitializeRequest(req.body)) return deps.sessions.create(attachment.principal, attachment.request, scope);
  throw new BadRequestError(req.method === 'POST' ? 'no session: send "initialize" first, then the Mcp-Session-Id header' : 'missing Mcp-Session-Id header');
}
