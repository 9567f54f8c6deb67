import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { ServerConfigInput } from '@secure-mcp-gateway/core';

const require = createRequire(import.meta.url);

/** `@modelcontextprotocol/server-everything` over stdio. */
export function everythingStdio(extra: ServerConfigInput = {}): ServerConfigInput {
  return { type: 'stdio', command: process.execPath, args: [require.resolve('@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'], timeout: 30, ...extra };
}

/** `@modelcontextprotocol/server-memory` over stdio, storing its graph in `file`. */
export function memoryStdio(file: string, extra: ServerConfigInput = {}): ServerConfigInput {
  return { type: 'stdio', command: process.execPath, args: [require.resolve('@modelcontextprotocol/server-memory/dist/index.js')], env: { MEMORY_FILE_PATH: file }, timeout: 30, ...extra };
}

/** A small stdio server of ours whose `env-digest` tool answers the SHA-256 of one of its environment variables. */
export function envDigestStdio(extra: ServerConfigInput = {}): ServerConfigInput {
  return { type: 'stdio', command: process.execPath, args: [fileURLToPath(new URL('./env-digest-stdio-server.mjs', import.meta.url))], timeout: 30, ...extra };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface HttpBackend {
  /** The MCP endpoint, e.g. http://127.0.0.1:PORT/mcp */
  url: string;
  port: number;
  /** Every HTTP request received, in order (headers and parsed body): what the gateway sent. */
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/**
 * A real MCP server over Streamable HTTP built with the SDK, on a free loopback port (or `port`). `build` registers
 * its tools/resources/prompts on a fresh McpServer per session. Records every request it receives, unless `record` is
 * false (benchmarks, where the record would only grow).
 */
export async function startHttpBackend(
  build: (server: McpServer) => void,
  options: {
    name?: string;
    port?: number;
    record?: boolean;
    /** Answers 401 (as a backend with its own authentication does) to every request this refuses; it is still recorded. */
    accept?: (request: RecordedRequest) => boolean;
  } = {},
): Promise<HttpBackend> {
  const requests: RecordedRequest[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http: HttpServer = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    if (options.record !== false) requests.push(recorded);
    if (options.accept && !options.accept(recorded)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(JSON.stringify({ error: 'invalid_token' }));
      return;
    }
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
        return;
      }
      const server = new McpServer({ name: options.name ?? 'test-backend', version: '1.0.0' });
      build(server);
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (id) => void transports.set(id, transport!),
      });
      await server.connect(transport);
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    requests,
    stop: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
