/**
 * The seed's REST routes for broadcasts and the aggregated catalog. Every call goes through the gateway's request
 * path (`context.calls`), so authentication, per-target authorization and audit are the same as over MCP.
 *
 * - `GET /tools`: the aggregated catalog as this caller may see it, broadcast tools included.
 * - `POST /tools/{tool_name}/invoke` (body: the arguments): a catalog name (`server__tool`, `broadcast__…`) is
 *   called as is; a backend tool name (`search_logs`) is broadcast to every up server that provides it.
 * - `POST /mcp/invoke-broadcast` (`{tool_name, parameters?, tags?, mcp_servers?}`): one broadcast, answered as
 *   `{tool_name, total_servers, successful, failed, execution_time_ms, results, errors}`.
 */
import { type Request, type Response, Router } from 'express';
import { BadRequestError, requestPrincipal, splitQualifiedName, type PluginContext, type RequestInfo } from '@secure-mcp-gateway/core';
import type { RestSelection } from './broadcast-plan.js';
import type { BroadcastReport } from './broadcast-result.js';
import { BROADCAST_PREFIX, toolBroadcastName } from './names.js';

interface InvokeBroadcastBody {
  tool_name: string;
  parameters?: Record<string, unknown>;
  tags?: string[];
  mcp_servers?: string[];
}

export function broadcastRouter(context: PluginContext<unknown>): Router {
  const router = Router();

  router.get('/tools', async (req, res) => {
    res.json({ tools: await context.calls.listTools(callerOf(req, res)) });
  });

  router.post('/tools/:tool_name/invoke', async (req, res) => {
    const name = String(req.params['tool_name']);
    const args = argumentsBody(req.body);
    const isCatalogName = name.startsWith(BROADCAST_PREFIX) || splitQualifiedName(name, (server) => context.backends.get(server) !== undefined) !== undefined;
    const caller = isCatalogName ? callerOf(req, res) : callerOf(req, res, { tool: name });
    res.json(await context.calls.callTool(caller, isCatalogName ? name : toolBroadcastName(name), args));
  });

  router.post('/mcp/invoke-broadcast', async (req, res) => {
    const body = invokeBroadcastBody(req.body);
    const selection: RestSelection = { tool: body.tool_name, ...(body.tags ? { tags: body.tags } : {}), ...(body.mcp_servers ? { servers: body.mcp_servers } : {}) };
    const result = await context.calls.callTool(callerOf(req, res, selection), toolBroadcastName(body.tool_name), body.parameters);
    const { results, errors, metadata } = result.structuredContent as unknown as BroadcastReport;
    res.json({
      tool_name: body.tool_name,
      total_servers: metadata.total_servers,
      successful: metadata.successful,
      failed: metadata.failed,
      execution_time_ms: metadata.execution_time_ms,
      results,
      errors,
    });
  });

  return router;
}

function callerOf(req: Request, res: Response, selection?: RestSelection) {
  return {
    principal: requestPrincipal(res.locals),
    request: res.locals['request'] as RequestInfo,
    signal: abortOnClose(res),
    ...(selection ? { routeHints: { broadcast: selection } } : {}),
  };
}

/** Aborted when the client goes away before the answer is sent, so every backend call is cancelled too. */
function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) controller.abort(new DOMException('client disconnected', 'AbortError'));
  });
  return controller.signal;
}

function argumentsBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isObject(body)) throw new BadRequestError('the body must be a JSON object: the tool\'s arguments');
  return body;
}

function invokeBroadcastBody(body: unknown): InvokeBroadcastBody {
  if (!isObject(body)) throw new BadRequestError('body must be a JSON object: {"tool_name": "...", "parameters": {...}, "tags"?: [...], "mcp_servers"?: [...]}');
  const { tool_name: toolName, parameters, tags, mcp_servers: servers } = body;
  if (typeof toolName !== 'string' || toolName === '') throw new BadRequestError('"tool_name" must be a non-empty string');
  if (parameters !== undefined && !isObject(parameters)) throw new BadRequestError('"parameters" must be a JSON object');
  const list = (value: unknown, field: string): string[] | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== 'string' || item === '')) {
      throw new BadRequestError(`"${field}" must be a non-empty list of names`);
    }
    return value as string[];
  };
  const tagList = list(tags, 'tags');
  const serverList = list(servers, 'mcp_servers');
  return { tool_name: toolName, ...(parameters ? { parameters } : {}), ...(tagList ? { tags: tagList } : {}), ...(serverList ? { mcp_servers: serverList } : {}) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}
