/**
 * A real MCP server over stdio (SDK) that tells what one of its environment variables holds without showing it:
 * its SHA-256. Lets a test prove the exact value the gateway injected while the gateway scrubs echoed secrets.
 * Plain JavaScript, so that many can start at once without a TypeScript loader: `node env-digest-stdio-server.mjs`.
 */
import { createHash } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'env-digest', version: '1.0.0' });
server.registerTool('env-digest', { inputSchema: { name: z.string() } }, async ({ name }) => {
  const value = process.env[name];
  const digest = value === undefined ? 'unset' : createHash('sha256').update(value).digest('hex');
  return { content: [{ type: 'text', text: digest }] };
});
await server.connect(new StdioServerTransport());
