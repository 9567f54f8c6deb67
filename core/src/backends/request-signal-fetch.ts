/**
 * The SDK's HTTP client transports hand one transport-wide AbortSignal to every fetch. Node's fetch (undici) hangs
 * an abort listener per request on that signal and removes it only when the request is garbage-collected, so under
 * load thousands pile up: each new request then scans the list and emits a MaxListenersExceeded warning, which
 * costs more CPU than the call itself. This fetch gives every request its own signal, linked to the transport's only
 * while the request is alive: until its response body is read, cancelled or collected.
 */
import { setMaxListeners } from 'node:events';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

const releaseOnCollect = new FinalizationRegistry<() => void>((release) => release());
const raised = new WeakSet<AbortSignal>();

export function fetchWithRequestSignal(base: FetchLike = fetch): FetchLike {
  return async (url, init) => {
    const shared = init?.signal;
    if (!shared) return base(url, init);
    shared.throwIfAborted();
    // One listener per request in flight is expected here, not a leak.
    if (!raised.has(shared)) setMaxListeners(0, shared);
    raised.add(shared);
    const own = new AbortController();
    const forward = () => own.abort(shared.reason);
    shared.addEventListener('abort', forward, { once: true });
    const release = () => shared.removeEventListener('abort', forward);
    try {
      return releasedWhenRead(await base(url, { ...init, signal: own.signal }), release);
    } catch (error) {
      release();
      throw error;
    }
  };
}

/** The same response, whose body releases the link when it ends, fails, is cancelled or is collected unread. */
function releasedWhenRead(response: Response, release: () => void): Response {
  // Redirects are inspected (type, url, location) and followed with a new fetch; their bodies are never read.
  if (!response.body || response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    release();
    return response;
  }
  const reader = response.body.getReader();
  const token = {};
  let released = false;
  const releaseOnce = () => {
    if (released) return;
    released = true;
    releaseOnCollect.unregister(token);
    release();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          releaseOnce();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        releaseOnce();
        controller.error(error);
      }
    },
    cancel(reason) {
      releaseOnce();
      return reader.cancel(reason);
    },
  });
  // The body, not the response: the SDK keeps reading a stream after it has let go of the response.
  releaseOnCollect.register(body, releaseOnce, token);
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
