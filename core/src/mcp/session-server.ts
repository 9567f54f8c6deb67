/**
 * The MCP server a client session talks to. Every handler turns the request into a CallContext and hands it to
 * the CallPipeline; typed gateway errors become JSON-RPC errors with their own codes.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  type Implementation,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type ServerCapabilities,
  type ServerNotification,
  type ServerRequest,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  RootsListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { BackendRegistry } from '../backends/backend-registry.js';
import { isGatewayError, PluginError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { CallContext, CallPipeline } from '../pipeline/call-pipeline.js';
import type { Principal } from '../principal.js';
import type { RequestInfo } from '../request-info.js';
import type { ClientSession } from './client-session.js';
import { paginate } from './pagination.js';
import { toRpcError } from './rpc-error.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** `tools/list` keeping the seed's optional `params.server`, which the SDK's own schema would strip. */
const ListToolsWithServerSchema = ListToolsRequestSchema.extend({ params: ListToolsRequestSchema.shape.params.unwrap().loose().optional() });

/** What the HTTP endpoint attaches to each request (as the SDK's `authInfo.extra`). */
export interface RequestAttachment {
  principal: Principal;
  request: RequestInfo;
}

export const AGGREGATE_CAPABILITIES: ServerCapabilities = {
  tools: { listChanged: true },
  resources: { listChanged: true },
  prompts: { listChanged: true },
  completions: {},
  logging: {},
};

export interface SessionServerOptions {
  info: Implementation;
  capabilities: ServerCapabilities;
  instructions?: string;
}

export function createSessionServer(options: SessionServerOptions): Server {
  return new Server(options.info, { capabilities: options.capabilities, ...(options.instructions ? { instructions: options.instructions } : {}) });
}

/** Installs the handlers once the session object exists (they need it for relays and scope). */
export function installHandlers(server: Server, options: SessionServerOptions, session: ClientSession, pipeline: CallPipeline, registry: BackendRegistry, logger: Logger): void {
  const context = (extra: Extra): CallContext => {
    const attachment = extra.authInfo?.extra as RequestAttachment | undefined;
    if (!attachment) throw new Error('request reached the MCP server without authentication');
    const progressToken = extra._meta?.progressToken;
    const relay = session.relay();
    return {
      principal: attachment.principal,
      request: attachment.request,
      signal: extra.signal,
      ...(session.scope ? { server: session.scope } : {}),
      ...(relay ? { relay } : {}),
      ...(progressToken !== undefined
        ? { onProgress: (progress) => void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...progress } }).catch(() => undefined) }
        : {}),
    };
  };
  const handle = <T>(extra: Extra, work: (ctx: CallContext) => Promise<T>): Promise<T> =>
    session.track(extra.requestId, () => work(context(extra))).catch((error: unknown) => {
      // The caller is told little about a failing plugin or an internal fault; the operator gets the whole story.
      if (!isGatewayError(error) || error instanceof PluginError) logger.error(`MCP request failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      throw toRpcError(error);
    });

  // The SDK refuses handlers for capabilities the server did not declare; a transparent endpoint declares its backend's.
  const declared = options.capabilities;
  if (declared.tools) {
    server.setRequestHandler(ListToolsWithServerSchema, (request, extra) =>
      handle(extra, async (ctx) => {
        const only = (request.params as { server?: unknown } | undefined)?.server;
        const tools = await pipeline.listTools(ctx, typeof only === 'string' ? only : undefined);
        return paginate(tools, request.params?.cursor, 'tools');
      }),
    );
    server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
      handle(extra, (ctx) => pipeline.callTool(ctx, request.params.name, request.params.arguments)),
    );
  }
  if (declared.resources) {
    server.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
      handle(extra, async (ctx) => paginate(await pipeline.listResources(ctx), request.params?.cursor, 'resources')),
    );
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
      handle(extra, async (ctx) => paginate(await pipeline.listResourceTemplates(ctx), request.params?.cursor, 'resourceTemplates')),
    );
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
      handle(extra, (ctx) => pipeline.readResource(ctx, request.params.uri)),
    );
  }
  if (declared.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
      handle(extra, async (ctx) => paginate(await pipeline.listPrompts(ctx), request.params?.cursor, 'prompts')),
    );
    server.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
      handle(extra, (ctx) => pipeline.getPrompt(ctx, request.params.name, request.params.arguments)),
    );
  }
  if (declared.completions) {
    server.setRequestHandler(CompleteRequestSchema, (request, extra) => handle(extra, (ctx) => pipeline.complete(ctx, request.params)));
  }
  // The level applies to what this session's own backend connections send; shared connections stay quiet.
  if (declared.logging) server.setRequestHandler(SetLevelRequestSchema, async () => ({}));
  server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    await Promise.all(registry.sessionConnectionsOf(session.id).map((connection) => connection.notifyRootsChanged()));
  });
}
