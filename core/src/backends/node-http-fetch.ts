/**
 * The fetch the gateway's HTTP backend connections use: `node:http(s)` over a keep-alive agent instead of the global
 * (undici) fetch. A backend call is a small POST whose answer is one JSON body or a short SSE stream; undici's
 * fetch builds a Request clone, a body stream and a response stream for each, and writes headers and body in
 * separate syscalls. Here a request is one write, a JSON answer is read into one buffer, and only an SSE answer is
 * streamed. Each request gets its own abort listener on the caller's signal, removed when the response is done, so
 * the SDK's transport-wide signal does not collect listeners. Anything this does not handle (redirects, bodies other
 * than text or bytes) goes to the global fetch, which keeps its full semantics.
 */
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setMaxListeners } from 'node:events';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BackendError } from '../errors.js';
import { MAX_BACKEND_MESSAGE_BYTES, messageTooLarge } from './response-size-limit.js';

/** Statuses whose response has no body by definition (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const RETRYABLE_ON_REUSED_SOCKET = new Set(['ECONNRESET', 'EPIPE']);
/** As undici's headers and body timeouts: a backend that says nothing for this long has its request dropped. */
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

export interface NodeHttpFetchOptions {
  /** Sockets kept open per backend host when idle (default 64). */
  maxFreeSockets?: number;
  /** A request (or a streamed answer) with no data for this long fails (default 300 s, as undici's fetch). */
  idleTimeoutMs?: number;
  /** A buffered (non-SSE) answer larger than this is cut off while it arrives, never held whole. */
  maxBodyBytes?: number;
}

/** One fetch with its own keep-alive agents; give each backend connection its own. */
export function nodeHttpFetch(options: NodeHttpFetchOptions = {}): FetchLike {
  // noDelay: a request leaves in one write and must not wait for the ACK of the previous one (Nagle).
  const agentOptions = { keepAlive: true, noDelay: true, maxFreeSockets: options.maxFreeSockets ?? 64, scheduling: 'lifo' as const };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  return async (input, init) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const body = init?.body;
    if ((body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return fetch(url, init);
    }
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    const secure = url.protocol === 'https:';
    const requestOptions: RequestOptions = {
      method: init?.method ?? 'GET',
      headers: plainHeaders(init?.headers, body),
      agent: secure ? agents.https : agents.http,
    };
    const limits = { idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, maxBodyBytes: options.maxBodyBytes ?? MAX_BACKEND_MESSAGE_BYTES };
    const response = await send(url, requestOptions, body ?? undefined, signal, secure, limits);
    if (response.status >= 300 && response.status < 400 && response.headers.has('location') && init?.redirect !== 'manual') {
      await response.body?.cancel().catch(() => undefined);
      return fetch(url, init); // the global fetch follows redirects as the Fetch standard says
    }
    return response;
  };
}

function plainHeaders(given: RequestInit['headers'], body: string | Uint8Array | null | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (given instanceof Headers) given.forEach((value, name) => (headers[name] = value));
  else if (Array.isArray(given)) for (const [name, value] of given) headers[name!.toLowerCase()] = value!;
  else if (given) for (const [name, value] of Object.entries(given as Record<string, string>)) headers[name.toLowerCase()] = value;
  if (typeof body === 'string' || body instanceof Uint8Array) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  return headers;
}

/** Sends once; a keep-alive socket the server had just closed is retried once on a fresh one (nothing was processed). */
interface Limits {
  idleTimeoutMs: number;
  maxBodyBytes: number;
}

function send(url: URL, options: RequestOptions, body: string | Uint8Array | undefined, signal: AbortSignal | undefined, secure: boolean, limits: Limits, retried = false): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(url, options);
    let settled = false;
    let onAbort: (() => void) | undefined;
    const release = () => {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
      onAbort = undefined;
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      release();
      reject(error);
    };
    if (signal) {
      // Many requests of one transport are in flight at once; one listener each is expected, not a leak.
      setMaxListeners(0, signal);
      onAbort = () => {
        const reason: unknown = signal.reason;
        request.destroy(reason instanceof Error ? reason : undefined);
        fail(reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
    request.setTimeout(limits.idleTimeoutMs, () => request.destroy(new Error(`no data from the server for ${limits.idleTimeoutMs / 1000}s`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (!retried && request.reusedSocket && error.code && RETRYABLE_ON_REUSED_SOCKET.has(error.code)) {
        settled = true;
        release();
        send(url, options, body, signal, secure, limits, true).then(resolve, reject);
        return;
      }
      fail(new TypeError('fetch failed', { cause: error }));
    });
    request.on('response', (message) => {
      if (settled) return message.resume();
      settled = true;
      toResponse(message, signal, release, limits.maxBodyBytes).then(resolve, reject);
    });
    request.end(body);
  });
}

/** A JSON (or any non-stream) answer is read whole; an SSE answer is streamed as it arrives. */
async function toResponse(message: IncomingMessage, signal: AbortSignal | undefined, release: () => void, maxBodyBytes: number): Promise<Response> {
  const status = message.statusCode ?? 502;
  const init = { status, statusText: message.statusMessage ?? '', headers: responseHeaders(message) };
  if (NULL_BODY_STATUSES.has(status)) {
    message.resume();
    release();
    return new Response(null, init);
  }
  if (!init.headers.get('content-type')?.startsWith('text/event-stream')) {
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of message) {
        size += (chunk as Buffer).byteLength;
        if (size > maxBodyBytes) {
          message.destroy();
          throw messageTooLarge(maxBodyBytes);
        }
        chunks.push(chunk as Buffer);
      }
      return new Response(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), init);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error instanceof BackendError ? error : new TypeError('fetch failed', { cause: error });
    } finally {
      release();
    }
  }
  return new Response(streamOf(message, signal, release), init);
}

function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** The body as a web stream with backpressure; it ends, fails or is cancelled together with the HTTP response. */
function streamOf(message: IncomingMessage, signal: AbortSignal | undefined, release: () => void): ReadableStream<Uint8Array> {
  let cancelled = () => release();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let finished = false;
      const finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        release();
        if (error === undefined) controller.close();
        else controller.error(signal?.aborted ? signal.reason : error);
      };
      message.on('data', (chunk: Buffer) => {
        if (finished) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) message.pause();
      });
      message.on('end', () => finish());
      message.on('error', (error) => finish(error));
      message.on('close', () => finish(message.complete ? undefined : new TypeError('terminated')));
      cancelled = () => {
        finished = true;
        release();
      };
    },
    pull() {
      message.resume();
    },
    cancel() {
      cancelled();
      message.destroy();
    },
  });
}
