/**
 * A real MCP server over stdio (SDK) with tools that misbehave, for the gateway's fault tests. Run as a child
 * process: `node --import tsx fault-stdio-server.ts`. Writes nothing else to stdout.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'fault-stdio', version: '1.0.0' });
const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

server.registerTool('echo', { inputSchema: { message: z.string() } }, async ({ message }) => text(`${process.pid}:${message}`));

server.registerTool('crash', { description: 'Exits the process while the call is in flight' }, async () => {
  setTimeout(() => process.exit(3), 50);
  return new Promise<never>(() => undefined);
});

server.registerTool('garbage-then-answer', { description: 'Writes lines that are not JSON-RPC, then answers' }, async () => {
  process.stdout.write('this is not json\n{"valid json":"but not JSON-RPC"}\n');
  return text('answered after garbage');
});

server.registerTool('garbage-instead-of-answer', { description: 'Writes a line that is not JSON instead of its answer' }, async () => {
  process.stdout.write('{"jsonrpc":"2.0","id": oops\n');
  return new Promise<never>(() => undefined);
});

await server.connect(new StdioServerTransport());
