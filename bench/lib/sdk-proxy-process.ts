/**
 * Child process: the thinnest pass-through an SDK can make — a Streamable HTTP MCP server whose `tools/call` handler
 * forwards to one shared SDK client of the backend. No auth, routing, audit or sessions of our own. The gap between
 * it and the backend is the SDK's cost of a hop; the gap between the gateway and it is the gateway's own.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolRequestSchema, CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { nodeHttpFetch } from '@secure-mcp-gateway/core';
import { startHttpBackend } from '../../test/support/backends.js';
import { serveChild } from './child-protocol.js';

export interface SdkProxyParams {
  backendUrl: string;
}

await serveChild(async ({ backendUrl }: SdkProxyParams) => {
  const client = new Client({ name: 'sdk-proxy', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(backendUrl), { fetch: nodeHttpFetch() }));
  const proxy = await startHttpBackend(
    (server) => {
      server.server.registerCapabilities({ tools: {} });
      server.server.setRequestHandler(CallToolRequestSchema, (request, extra) => client.callTool(request.params, CallToolResultSchema, { signal: extra.signal }));
    },
    { name: 'sdk-proxy', record: false },
  );
  return {
    info: { url: proxy.url },
    stop: async () => {
      await proxy.stop();
      await client.close();
    },
  };
});
