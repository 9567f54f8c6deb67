import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type Progress, type ProgressToken, ProgressNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

export type ProgressListener = (progress: Progress) => void;

/** What a request's params carry so the backend's progress notifications name it. */
export type ProgressMeta = { _meta?: { progressToken: ProgressToken } };

/**
 * Routes a backend's `notifications/progress` to the caller of the request they belong to.
 *
 * The SDK client forgets a request's progress callback the moment its response is read, but dispatches
 * notifications one microtask later: when the last progress notification and the result arrive in one read (stdio
 * backends do this routinely), that notification is dropped. Here a listener lives until its call has settled,
 * and notifications are still handled in arrival order, before the result reaches the caller.
 */
export class ProgressRouter {
  private readonly listeners = new Map<ProgressToken, ProgressListener>();
  private nextToken = 0;

  /** Takes over the client's progress notifications (replacing the SDK's own routing). */
  install(client: Client): void {
    client.setNotificationHandler(ProgressNotificationSchema, (notification) => {
      const { progressToken, ...progress } = notification.params;
      this.listeners.get(progressToken)?.(progress);
    });
  }

  /** Runs `call` with the `_meta.progressToken` to send, or none when there is no listener. */
  async track<T>(listener: ProgressListener | undefined, call: (meta: ProgressMeta) => Promise<T>): Promise<T> {
    if (!listener) return call({});
    const progressToken = `gateway-${++this.nextToken}`;
    this.listeners.set(progressToken, listener);
    try {
      return await call({ _meta: { progressToken } });
    } finally {
      this.listeners.delete(progressToken);
    }
  }
}
