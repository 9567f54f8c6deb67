import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BackendError, RpcCode } from '../errors.js';

/** The largest single message a backend may send: a JSON answer, or one event of an SSE stream. */
export const MAX_BACKEND_MESSAGE_BYTES = 32 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts off a backend answer as soon as one message grows past `maxBytes`, so that a hostile or broken backend
 * cannot make the gateway buffer without bound. An SSE stream may run long: only each event is bounded (the count
 * restarts after every blank line); any other body is bounded as a whole.
 */
export function limitResponseSize(base: FetchLike, maxBytes = MAX_BACKEND_MESSAGE_BYTES): FetchLike {
  return async (url, init) => {
    const response = await base(url, init);
    if (!response.body) return response;
    const eventStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    // HTTP parsers deliver no more than a declared length: such a body within the limit needs no counting.
    const declared = response.headers.get('content-length');
    if (!eventStream && declared !== null && Number(declared) <= maxBytes) return response;
    let size = 0;
    let lastByte = 0;
    const limited = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const boundary = eventStream ? lastEventEnd(chunk, lastByte) : -1;
          // The event that ends in this chunk counts its bytes here too, before the count restarts after it.
          const ending = boundary === -1 ? 0 : size + boundary + 1;
          size = boundary === -1 ? size + chunk.byteLength : chunk.byteLength - boundary - 1;
          lastByte = chunk.at(-1) ?? lastByte;
          if (size > maxBytes || ending > maxBytes) {
            const error = messageTooLarge(maxBytes);
            // The SDK drops a broken SSE stream without failing the request it carried: answer that request instead.
            const requestId = eventStream ? requestIdOf(init?.body) : undefined;
            if (requestId === undefined) return controller.error(error);
            const answer = { jsonrpc: '2.0', id: requestId, error: { code: RpcCode.InternalError, message: error.message } };
            controller.enqueue(new TextEncoder().encode(`\n\nevent: message\ndata: ${JSON.stringify(answer)}\n\n`));
            controller.terminate();
            return;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

export function messageTooLarge(maxBytes: number): BackendError {
  return new BackendError(`a backend message exceeded ${Math.round(maxBytes / 1024 / 1024)} MiB, the gateway's limit; it was cut off`);
}

/** Index of the last LF in `chunk` that ends a blank line (LF LF or LF CR LF), or -1; `before` is the prior byte. */
function lastEventEnd(chunk: Uint8Array, before: number): number {
  for (let at = chunk.lastIndexOf(LF); at !== -1; at = at > 0 ? chunk.lastIndexOf(LF, at - 1) : -1) {
    const previous = at > 0 ? chunk[at - 1] : before;
    if (previous === LF || (previous === CR && at > 1 && chunk[at - 2] === LF)) return at;
  }
  return -1;
}

/** The id of the single JSON-RPC request a POST carried, if any. */
function requestIdOf(body: unknown): string | number | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? id : undefined;
  } catch {
    return undefined;
  }
}
