import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';

export interface SseBackend {
  /** The SSE endpoint (GET), e.g. http://127.0.0.1:PORT/sse; messages are POSTed where the server says. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real MCP server over the older HTTP+SSE transport (SDK `SSEServerTransport`), on a free loopback port: `GET /sse`
 * opens a session's stream, `POST /messages?sessionId=` carries the client's messages. `build` registers what it serves.
 */
export async function startSseBackend(build: (server: McpServer) => void, options: { name?: string } = {}): Promise<SseBackend> {
  const transports = new Map<string, SSEServerTransport>();
  const http: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      transports.set(transport.sessionId, transport);
      res.on('close', () => transports.delete(transport.sessionId));
      const server = new McpServer({ name: options.name ?? 'sse-backend', version: '1.0.0' });
      build(server);
      await server.connect(transport);
      return;
    }
    const transport = url.pathname === '/messages' ? transports.get(url.searchParams.get('sessionId') ?? '') : undefined;
    if (req.method === 'POST' && transport) {
      await transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sse`,
    stop: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
