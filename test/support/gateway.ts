import { createServer } from 'node:net';
import { createGateway, type Gateway, type GatewayConfigInput } from '@secure-mcp-gateway/core';

export interface RunningGateway {
  gateway: Gateway;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The aggregated MCP endpoint. */
  mcpUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts a gateway on a free loopback port (or `config.server.port`, e.g. from `freePort()` when the test needs the
 * public URL before start). Logs only errors unless LOG_LEVEL is set.
 */
export async function startGateway(config: GatewayConfigInput, baseDir = process.cwd()): Promise<RunningGateway> {
  const gateway = await createGateway(
    {
      ...config,
      server: { host: '127.0.0.1', ...config.server, port: config.server?.port ?? 0 },
      logging: { level: (process.env['LOG_LEVEL'] as 'error') ?? 'error', format: 'json', ...config.logging },
    },
    { baseDir },
  );
  const { url } = await gateway.start();
  return { gateway, url, mcpUrl: `${url}/mcp`, stop: () => gateway.stop() };
}

/** A free loopback port, for configs that must know their public URL (OAuth metadata) before the gateway starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
