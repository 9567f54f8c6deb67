/** A small real MCP server for UI tests that returns every content type (log clusters: logs-server.ts). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

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
