import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfigInput } from '@secure-mcp-gateway/core';

/**
 * An SDK client connected straight to a backend (no gateway), built from the same server entry the gateway gets:
 * what the gateway answers is compared with what this answers.
 */
export async function connectDirect(server: ServerConfigInput, capabilities: ClientCapabilities = {}): Promise<Client> {
  const client = new Client({ name: 'direct-client', version: '1.0.0' }, { capabilities });
  const transport = server.command
    ? new StdioClientTransport({ command: server.command, args: server.args ?? [], env: { ...process.env, ...server.env } as Record<string, string>, stderr: 'ignore' })
    : new StreamableHTTPClientTransport(new URL(server.url!));
  await client.connect(transport);
  return client;
}
