import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { BackendAuthMaterial } from './credential-injection.js';
import { fetchWithRequestSignal } from './request-signal-fetch.js';
import type { ServerConfig } from './server-config.js';

export interface CreatedTransport {
  transport: Transport;
  /** A stdio child's stderr, to be logged; undefined for HTTP transports. */
  stderr?: import('node:stream').Stream | null;
}

/** Builds the SDK client transport for one backend. Only the gateway's own credential is sent, never a client's. */
export function createBackendTransport(server: ServerConfig, auth: BackendAuthMaterial): CreatedTransport {
  if (server.type === 'stdio') {
    const transport = new StdioClientTransport({
      command: server.command!,
      args: server.args ?? [],
      env: { ...getDefaultEnvironment(), ...server.env, ...auth.env },
      ...(server.cwd ? { cwd: server.cwd } : {}),
      stderr: 'pipe',
    });
    return { transport, stderr: transport.stderr };
  }
  const url = new URL(server.url!);
  for (const [name, value] of Object.entries(auth.query)) url.searchParams.set(name, value);
  const headers = { ...server.headers, ...auth.headers };
  if (server.type === 'sse') {
    return {
      transport: new SSEClientTransport(url, {
        requestInit: { headers },
        fetch: fetchWithRequestSignal(),
        eventSourceInit: { fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
      }),
    };
  }
  return { transport: new StreamableHTTPClientTransport(url, { requestInit: { headers }, fetch: fetchWithRequestSignal() }) };
}
