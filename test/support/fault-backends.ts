import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ServerConfigInput } from '@secure-mcp-gateway/core';

/** The misbehaving stdio server (fault-stdio-server.ts) as a server entry; the child loads TypeScript through tsx. */
export function faultStdio(extra: ServerConfigInput = {}): ServerConfigInput {
  return {
    type: 'stdio',
    command: process.execPath,
    args: ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./fault-stdio-server.ts', import.meta.url))],
    timeout: 10,
    ...extra,
  };
}

/** What a garbage proxy answers instead of forwarding; `undefined` forwards the request unchanged. */
export type GarbageAnswer = { status: number; contentType: string; body: string } | undefined;

export interface GarbageProxy {
  /** The MCP endpoint to give the gateway. */
  url: string;
  stop(): Promise<void>;
}

/**
 * An HTTP pass-through to a real MCP backend that answers some JSON-RPC messages with garbage instead (chosen by
 * `answer` from the parsed request body): what a broken server or a misconfigured reverse proxy sends.
 */
export async function startGarbageProxy(targetUrl: string, answer: (body: unknown) => GarbageAnswer): Promise<GarbageProxy> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let parsed: unknown;
    try {
      parsed = raw.length ? JSON.parse(raw.toString()) : undefined;
    } catch {
      parsed = undefined;
    }
    const garbage = answer(parsed);
    if (garbage) {
      res.writeHead(garbage.status, { 'content-type': garbage.contentType }).end(garbage.body);
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
    const upstream = await fetch(targetUrl, { method: req.method ?? 'GET', headers, ...(raw.length ? { body: raw } : {}) });
    res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
    if (upstream.body) Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream).pipe(res);
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The name of the tool a `tools/call` message calls, if it is one. */
export function calledTool(body: unknown): string | undefined {
  const message = body as { method?: string; params?: { name?: unknown } } | undefined;
  return message?.method === 'tools/call' && typeof message.params?.name === 'string' ? message.params.name : undefined;
}
