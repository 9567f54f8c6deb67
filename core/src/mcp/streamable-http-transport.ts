/**
 * The server side of MCP Streamable HTTP on Node's own request and response, for the gateway's front door.
 *
 * The SDK's StreamableHTTPServerTransport converts every request to a Web `Request` (via @hono/node-server) and
 * answers every POST with an SSE stream: headers, then one write per event, then the end — three socket writes, a
 * ReadableStream and a keep-alive timer per call. The spec lets the server answer a POST with either JSON or SSE,
 * so this transport decides per request, lazily: if the answer is ready before anything else must go out, it is
 * sent as one JSON body (one write); the first notification or server→client request for that request (progress,
 * sampling, elicitation, logs) switches the answer to an SSE stream. Nothing has to be predicted, so progress,
 * relays and cancellation work as before. Sessions, the protocol version header, the standalone GET stream, DELETE
 * and the Origin check behave as the SDK's transport does (resumability is not offered: no event store).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type MessageExtraInfo,
  type RequestId,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';

const MAX_BATCH_SIZE = 100;
const SSE_KEEP_ALIVE_MS = 15_000;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };

export interface StreamableHttpTransportOptions {
  sessionIdGenerator: () => string;
  onsessioninitialized?: (sessionId: string) => void | Promise<void>;
  onsessionclosed?: (sessionId: string) => void | Promise<void>;
  /** When set, a request whose `Origin` is not listed is refused (DNS rebinding protection). */
  allowedOrigins?: string[];
}

/** One POST that carried requests: answered once every request in it has its response. */
interface Exchange {
  res: ServerResponse;
  ids: RequestId[];
  responses: Map<RequestId, JSONRPCMessage>;
  /** SSE headers are out: everything further goes as events. */
  streaming: boolean;
  keepAlive?: NodeJS.Timeout;
}

export class StreamableHttpTransport implements Transport {
  sessionId?: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  private readonly exchanges = new Map<RequestId, Exchange>();
  private standalone?: ServerResponse;
  private standaloneKeepAlive?: NodeJS.Timeout;
  private initialized = false;
  private closed = false;

  constructor(private readonly options: StreamableHttpTransportOptions) {}

  async start(): Promise<void> {}

  /** Handles one HTTP request of this session; `body` is the parsed JSON of a POST. */
  async handleRequest(req: IncomingMessage, res: ServerResponse, body: unknown, authInfo?: AuthInfo): Promise<void> {
    if (this.closed) return this.refuse(res, 404, -32001, 'Session not found');
    const origin = req.headers.origin;
    if (this.options.allowedOrigins?.length && origin && !this.options.allowedOrigins.includes(origin)) {
      return this.refuse(res, 403, -32000, `Invalid Origin header: ${origin}`);
    }
    if (req.method === 'POST') return this.handlePost(req, res, body, authInfo);
    if (req.method === 'GET') return this.handleGet(req, res);
    if (req.method === 'DELETE') return this.handleDelete(req, res);
    res.setHeader('allow', 'GET, POST, DELETE');
    return this.refuse(res, 405, -32000, 'Method not allowed.');
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const isResponse = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    const requestId = isResponse ? message.id : options?.relatedRequestId;
    if (requestId === undefined) {
      if (isResponse) throw new Error('Cannot send a response on a standalone SSE stream unless resuming a previous client request');
      if (this.standalone) writeEvent(this.standalone, message);
      return; // no GET stream open: the client is not listening for server-initiated messages
    }
    const exchange = this.exchanges.get(requestId);
    if (!exchange) throw new Error(`No connection established for request ID: ${String(requestId)}`);
    if (!isResponse) {
      this.startStreaming(exchange);
      writeEvent(exchange.res, message);
      return;
    }
    exchange.responses.set(requestId, message);
    const complete = exchange.ids.every((id) => exchange.responses.has(id));
    if (exchange.streaming) {
      if (complete) exchange.res.end(sseEvent(message));
      else writeEvent(exchange.res, message);
    } else if (complete) {
      const answers = exchange.ids.map((id) => exchange.responses.get(id)!);
      const body = JSON.stringify(answers.length === 1 ? answers[0] : answers);
      // With its length known the answer is not chunked: headers and body leave in one write.
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
      exchange.res.writeHead(200, headers).end(body);
    }
    if (complete) this.forget(exchange);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const exchange of new Set(this.exchanges.values())) {
      this.forget(exchange);
      if (exchange.streaming) exchange.res.end();
      else if (!exchange.res.headersSent) this.refuse(exchange.res, 404, -32001, 'Session closed');
    }
    this.endStandalone();
    this.onclose?.();
  }

  private async handlePost(req: IncomingMessage, res: ServerResponse, body: unknown, authInfo: AuthInfo | undefined): Promise<void> {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return this.refuse(res, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      return this.refuse(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) {
      return this.refuse(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
    }
    let messages: JSONRPCMessage[];
    try {
      messages = (Array.isArray(body) ? body : [body]).map((message) => JSONRPCMessageSchema.parse(message));
    } catch {
      return this.refuse(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    }
    if (messages.some(isInitializeRequest)) {
      if (this.initialized) return this.refuse(res, 400, -32600, 'Invalid Request: Server already initialized');
      if (messages.length > 1) return this.refuse(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      this.sessionId = this.options.sessionIdGenerator();
      this.initialized = true;
      await this.options.onsessioninitialized?.(this.sessionId);
    } else if (!this.checkSession(req, res)) {
      return;
    }
    const extra: MessageExtraInfo = { requestInfo: { headers: req.headers }, ...(authInfo ? { authInfo } : {}) };
    const ids = messages.filter(isJSONRPCRequest).map((message) => message.id);
    if (ids.length === 0) {
      res.writeHead(202).end();
      for (const message of messages) this.onmessage?.(message, extra);
      return;
    }
    const exchange: Exchange = { res, ids, responses: new Map(), streaming: false };
    for (const id of ids) this.exchanges.set(id, exchange);
    // The client went away before every answer was sent: what is still to come has nowhere to go.
    res.on('close', () => {
      if (!res.writableFinished) this.forget(exchange);
    });
    for (const message of messages) this.onmessage?.(message, extra);
  }

  private handleGet(req: IncomingMessage, res: ServerResponse): void {
    if (!(req.headers.accept ?? '').includes('text/event-stream')) {
      return this.refuse(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    }
    if (!this.checkSession(req, res)) return;
    if (this.standalone) return this.refuse(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    res.writeHead(200, { ...SSE_HEADERS, ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}) });
    res.flushHeaders();
    this.standalone = res;
    this.standaloneKeepAlive = keepAlive(res);
    res.on('close', () => {
      if (this.standalone !== res) return;
      clearInterval(this.standaloneKeepAlive);
      this.standalone = undefined;
    });
  }

  private async handleDelete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.checkSession(req, res)) return;
    try {
      await this.options.onsessionclosed?.(this.sessionId!);
      res.writeHead(200).end();
    } finally {
      await this.close();
    }
  }

  /** The session must be initialized, named in `Mcp-Session-Id`, and spoken in a supported protocol version. */
  private checkSession(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.initialized) return this.refuse(res, 400, -32000, 'Bad Request: Server not initialized'), false;
    const id = req.headers['mcp-session-id'];
    if (!id) return this.refuse(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required'), false;
    if (id !== this.sessionId) return this.refuse(res, 404, -32001, 'Session not found'), false;
    const version = req.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      this.refuse(res, 400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
      return false;
    }
    return true;
  }

  /** Switches a POST's answer to an SSE stream, sending any response already collected for it first. */
  private startStreaming(exchange: Exchange): void {
    if (exchange.streaming) return;
    exchange.streaming = true;
    exchange.res.writeHead(200, { ...SSE_HEADERS, ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}) });
    for (const response of exchange.responses.values()) writeEvent(exchange.res, response);
    exchange.keepAlive = keepAlive(exchange.res);
  }

  private forget(exchange: Exchange): void {
    clearInterval(exchange.keepAlive);
    for (const id of exchange.ids) if (this.exchanges.get(id) === exchange) this.exchanges.delete(id);
  }

  private endStandalone(): void {
    clearInterval(this.standaloneKeepAlive);
    this.standalone?.end();
    this.standalone = undefined;
  }

  /** A JSON-RPC error with no id, as the SDK's transport answers a request it refuses at the HTTP level. */
  private refuse(res: ServerResponse, status: number, code: number, message: string): void {
    this.onerror?.(new Error(message));
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
  }
}

function sseEvent(message: JSONRPCMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

function writeEvent(res: ServerResponse, message: JSONRPCMessage): void {
  if (!res.writableEnded) res.write(sseEvent(message));
}

/** A comment now and then, so proxies and idle timeouts leave a quiet stream open. */
function keepAlive(res: ServerResponse): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (res.writableEnded) clearInterval(timer);
    else res.write(': keepalive\n\n');
  }, SSE_KEEP_ALIVE_MS);
  timer.unref();
  return timer;
}

function isJsonContentType(header: string | undefined): boolean {
  return header === 'application/json' || header?.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}
