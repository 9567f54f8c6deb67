import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { BackendAuthMaterial } from './credential-injection.js';
import { nodeHttpFetch } from './node-http-fetch.js';
import { limitResponseSize } from './response-size-limit.js';
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
  const headers = { ...server.headers };
  const authFetch = authenticatedFetch(auth, limitResponseSize(nodeHttpFetch()));
  if (server.type === 'sse') {
    return {
      transport: new SSEClientTransport(url, {
        requestInit: { headers },
        fetch: authFetch,
        eventSourceInit: { fetch: (input, init) => authenticatedFetch(auth, limitResponseSize(fetch))(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
      }),
    };
  }
  return { transport: new StreamableHTTPClientTransport(url, { requestInit: { headers }, fetch: authFetch }) };
}

/**
 * Puts the backend credential on every HTTP request (header or query), read from the live material: a credential
 * due for renewal is refreshed first, and one the backend refuses with 401 is resolved anew (bypassing caches) and
 * the request sent once more. The client's own Authorization header never gets here: requests are the gateway's.
 */
function authenticatedFetch(auth: BackendAuthMaterial, base: FetchLike): FetchLike {
  const send = (url: string | URL, init?: RequestInit) => {
    const target = new URL(url);
    for (const [name, value] of Object.entries(auth.query)) target.searchParams.set(name, value);
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(auth.headers)) headers.set(name, value);
    return base(target, { ...init, headers });
  };
  return async (url, init) => {
    if (auth.refresh && auth.expiresAt !== undefined && Date.now() >= auth.expiresAt) await auth.refresh();
    const response = await send(url, init);
    if (response.status !== 401 || !auth.refresh) return response;
    await response.body?.cancel().catch(() => undefined);
    await auth.refresh({ fresh: true });
    return send(url, init);
  };
}
