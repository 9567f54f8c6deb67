/**
 * The seed's REST API (same paths and shapes, errors fixed). Every route goes through the same CallPipeline as
 * `/mcp`, so authentication, authorization and audit are identical; names here are the backends' own.
 */
import { type Request, type Response, Router } from 'express';
import { redactUrl } from '../audit/secret-redactor.js';
import type { BackendRegistry } from '../backends/backend-registry.js';
import type { ServerConfig } from '../backends/server-config.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { CallContext, CallPipeline } from '../pipeline/call-pipeline.js';
import type { AccessControl } from '../pipeline/access-control.js';

export interface RestDeps {
  pipeline: CallPipeline;
  registry: BackendRegistry;
  access: AccessControl;
  /** The authenticated context of a request (set by the authentication middleware). */
  contextOf(req: Request, res: Response, server?: string): CallContext;
}

export function restRouter(deps: RestDeps): Router {
  const router = Router();
  const { pipeline, registry } = deps;

  /** The `mcp_server` query parameter, checked to name a known server the caller may use. */
  const serverParam = async (req: Request, res: Response, name: unknown = req.query['mcp_server']): Promise<CallContext> => {
    if (typeof name !== 'string' || name === '') throw new BadRequestError('query parameter "mcp_server" is required');
    if (!registry.has(name)) throw new NotFoundError(`unknown server "${name}"`);
    const context = deps.contextOf(req, res, name);
    await deps.access.require({ principal: context.principal, request: context.request, action: 'server/access', target: { server: name } });
    return context;
  };

  router.get('/mcp/servers', async (req, res) => {
    const context = deps.contextOf(req, res);
    const servers = [];
    for (const name of registry.names()) {
      const decision = await deps.access.decide({ principal: context.principal, request: context.request, action: 'server/access', target: { server: name } });
      if (decision.allow) servers.push(describeServer(registry, name));
    }
    res.json({ servers, count: servers.length });
  });

  router.get('/mcp/server/:name/info', async (req, res) => {
    const name = String(req.params['name']);
    // Express 5's req.query is read-only, so the name is passed rather than written into the query.
    await serverParam(req, res, name);
    const connection = registry.config(name).enabled ? registry.shared(name) : undefined;
    res.json({
      ...describeServer(registry, name),
      server_info: connection?.serverVersion ?? null,
      capabilities: connection?.serverCapabilities ?? null,
      instructions: connection?.instructions ?? null,
      resource_count: connection?.resources.length ?? 0,
      prompt_count: connection?.prompts.length ?? 0,
    });
  });

  router.get('/mcp/list-tools', async (req, res) => {
    const context = await serverParam(req, res);
    const tools = await pipeline.listTools(context);
    res.json({ mcp_server: context.server, tools, count: tools.length });
  });

  router.post('/mcp/invoke', async (req, res) => {
    const context = await serverParam(req, res);
    const { tool_name: toolName, parameters } = invokeBody(req.body);
    const connection = registry.shared(context.server!);
    if (connection.status === 'up' && !connection.tools.some((tool) => tool.name === toolName)) {
      throw new NotFoundError(`server "${context.server}" has no tool "${toolName}"`);
    }
    const started = performance.now();
    const result = await pipeline.callTool(context, toolName, parameters);
    res.json({
      success: !result.isError,
      tool_name: toolName,
      mcp_server: context.server,
      result,
      execution_time_ms: Math.round(performance.now() - started),
    });
  });

  router.get('/mcp/list-resources', async (req, res) => {
    const context = await serverParam(req, res);
    const resources = await pipeline.listResources(context);
    res.json({ mcp_server: context.server, resources, count: resources.length });
  });

  router.get('/mcp/read-resource', async (req, res) => {
    const context = await serverParam(req, res);
    const uri = req.query['uri'];
    if (typeof uri !== 'string' || uri === '') throw new BadRequestError('query parameter "uri" is required');
    const result = await pipeline.readResource(context, uri);
    res.json({ mcp_server: context.server, uri, contents: result.contents });
  });

  router.get('/mcp/list-prompts', async (req, res) => {
    const context = await serverParam(req, res);
    const prompts = await pipeline.listPrompts(context);
    res.json({ mcp_server: context.server, prompts, count: prompts.length });
  });

  router.get('/mcp/get-prompt', async (req, res) => {
    const context = await serverParam(req, res);
    const name = req.query['name'];
    if (typeof name !== 'string' || name === '') throw new BadRequestError('query parameter "name" is required');
    const result = await pipeline.getPrompt(context, name, promptArguments(req.query['arguments']));
    res.json({ mcp_server: context.server, name, description: result.description ?? null, messages: result.messages });
  });

  return router;
}

function invokeBody(body: unknown): { tool_name: string; parameters?: Record<string, unknown> } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('body must be a JSON object: {"tool_name": "...", "parameters": {...}}');
  const { tool_name: toolName, parameters } = body as Record<string, unknown>;
  if (typeof toolName !== 'string' || toolName === '') throw new BadRequestError('"tool_name" must be a non-empty string');
  if (parameters !== undefined && (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))) {
    throw new BadRequestError('"parameters" must be a JSON object');
  }
  return { tool_name: toolName, ...(parameters ? { parameters: parameters as Record<string, unknown> } : {}) };
}

/** Prompt arguments come as a JSON object in `?arguments=`; MCP prompt arguments are strings. */
function promptArguments(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    throw new BadRequestError('query parameter "arguments" must be a JSON object of strings');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new BadRequestError('query parameter "arguments" must be a JSON object of strings');
  }
  return parsed as Record<string, string>;
}

/** A server as listed to callers: no secrets, only the shape of its auth (the reference names where it lives). */
export function describeServer(registry: BackendRegistry, name: string) {
  const config: ServerConfig = registry.config(name);
  const snapshot = registry.snapshot(name);
  return {
    name,
    url: config.url ? redactUrl(config.url) : null,
    type: config.type,
    enabled: config.enabled,
    description: config.description ?? null,
    tags: config.tags,
    timeout: config.timeout,
    status: snapshot.status,
    last_error: registry.lastError(name) ?? null,
    tool_count: snapshot.tools.length,
    auth: config.auth && config.auth.method !== 'none'
      ? { method: config.auth.method, location: config.auth.location, name: config.auth.name, format: config.auth.format }
      : null,
  };
}
