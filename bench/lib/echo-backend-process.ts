/**
 * Child process: one or more SDK McpServers over Streamable HTTP on loopback, each exposing `echo` (answers after its
 * configured delay). Started by `startEchoBackends` in processes.ts; one process, one port per backend.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { startHttpBackend } from '../../test/support/backends.js';
import { serveChild } from './child-protocol.js';

export interface EchoBackendParams {
  /** One backend per entry: how long its `echo` waits before answering, in ms. */
  delaysMs: number[];
}

await serveChild(async ({ delaysMs }: EchoBackendParams) => {
  const backends = await Promise.all(
    delaysMs.map((delayMs, index) =>
      startHttpBackend(
        (server) => {
          server.registerTool('echo', { description: 'Returns its message', inputSchema: { message: z.string() } }, async ({ message }) => {
            if (delayMs > 0) await sleep(delayMs);
            return { content: [{ type: 'text', text: message }] };
          });
        },
        { name: `echo-${index}`, record: false },
      ),
    ),
  );
  return {
    info: { urls: backends.map((backend) => backend.url) },
    stop: async () => void (await Promise.all(backends.map((backend) => backend.stop()))),
  };
});
