/** Small real MCP servers for UI tests: log search clusters (one can fail) and a server returning every content type. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** A 1×1 transparent PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A short silent 8 kHz mono WAV. */
function silentWav(samples = 800): string {
  const data = Buffer.alloc(samples, 128);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]).toString('base64');
}

export function logsServer(name: string, options: { failing?: boolean } = {}) {
  return (server: McpServer) => {
    server.registerTool(
      'search_logs',
      {
        description: 'Search the application logs of this cluster',
        inputSchema: {
          query: z.string().describe('Lucene-style query'),
          limit: z.number().int().min(1).max(100).default(10).describe('Most hits to return'),
          level: z.enum(['info', 'warn', 'error']).optional(),
        },
      },
      async (args) => {
        if (options.failing) throw new Error(`index unavailable on ${name}`);
        const hits = [{ timestamp: '2026-01-20T15:30:00Z', level: args.level ?? 'info', message: `${args.query} matched on ${name}` }];
        return { content: [{ type: 'text', text: JSON.stringify({ server: name, query: args.query, limit: args.limit, level: args.level ?? null, hits }) }] };
      },
    );
  };
}

export function mediaServer(server: McpServer) {
  server.registerTool('snapshot', { description: 'An image, a sound, and the report they belong to' }, async () => ({
    content: [
      { type: 'text', text: 'Snapshot taken' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      { type: 'audio', data: silentWav(), mimeType: 'audio/wav' },
      { type: 'resource', resource: { uri: 'report://latest', mimeType: 'application/json', text: JSON.stringify({ status: 'green', checks: 12 }) } },
    ],
    structuredContent: { status: 'green', checks: 12 },
  }));
  server.registerTool('fail', { description: 'Always reports an error' }, async () => ({ content: [{ type: 'text', text: 'disk quota exceeded' }], isError: true }));
}
