/**
 * Starting what a case measures: echo backends and gateways in their own processes, and SDK clients to talk to them.
 */
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { nodeHttpFetch, type ServerConfigInput } from '@secure-mcp-gateway/core';
import { type BenchChild, startChild } from './child-process.js';
import type { GatewayProcessParams } from './gateway-process.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Echo backends (SDK McpServer, Streamable HTTP) in one child process, one per delay. */
export function startEchoBackends(delaysMs: number[] = [0]): Promise<BenchChild<{ urls: string[] }>> {
  return startChild(here('./echo-backend-process.ts'), { delaysMs });
}

/** The bare SDK pass-through of sdk-proxy-process.ts in front of `backendUrl`: the floor for any SDK-based gateway. */
export function startSdkProxy(backendUrl: string): Promise<BenchChild<{ url: string }>> {
  return startChild(here('./sdk-proxy-process.ts'), { backendUrl });
}

export interface GatewayProcessOptions extends GatewayProcessParams {
  /** Write a V8 CPU profile of the gateway process here when it exits (`node --cpu-prof`). */
  profileDir?: string;
}

/** A gateway (createGateway) in a child process, so its RSS and CPU are its own. */
export function startGatewayProcess({ profileDir, ...params }: GatewayProcessOptions): Promise<BenchChild<{ url: string; mcpUrl: string }>> {
  return startChild(here('./gateway-process.ts'), params, profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []);
}

/**
 * The official SDK client over Streamable HTTP, with the fetch the gateway uses for its own backends: the SDK's
 * default piles up abort listeners under load and would make the client, not the measured path, the bottleneck.
 */
export async function connectHttpClient(url: string, name = 'bench-client'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: nodeHttpFetch() }));
  return client;
}

/** A function that calls `tool` with a fresh `message` and fails unless the answer echoes it back. */
export function echoCall(client: Client, tool: string, expect: (message: string) => string = (message) => message): () => Promise<void> {
  let counter = 0;
  return async () => {
    const message = `bench-${++counter}`;
    const result = await client.callTool({ name: tool, arguments: { message } });
    const first = (result.content as Array<{ type: string; text?: string }> | undefined)?.[0];
    if (result.isError || first?.text !== expect(message)) throw new Error(`unexpected answer from ${tool}: ${JSON.stringify(result).slice(0, 200)}`);
  };
}

export type { ServerConfigInput };
