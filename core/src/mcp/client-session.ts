import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { SessionRelay } from '../backends/backend-registry.js';
import type { StreamableHttpTransport } from './streamable-http-transport.js';

/**
 * One MCP client session on `/mcp` or `/servers/<name>/mcp`: the SDK server and transport that speak to the
 * client, who opened it, and (when the client can answer them) the relays for server→client requests.
 */
export class ClientSession {
  lastSeen = Date.now();
  /** Front requests being served, so a relayed server→client request can travel on the stream of one of them. */
  private readonly inFlight = new Set<RequestId>();
  private relayCache?: SessionRelay | null;

  constructor(
    readonly server: Server,
    readonly transport: StreamableHttpTransport,
    /** The `sub` that opened the session; no one else may use it. */
    readonly ownerSub: string,
    /** The backend of a transparent endpoint; undefined on the aggregated `/mcp`. */
    readonly scope: string | undefined,
  ) {}

  /** Assigned by the transport when `initialize` is answered. */
  get id(): string {
    return this.transport.sessionId ?? '';
  }

  track<T>(requestId: RequestId, work: () => Promise<T>): Promise<T> {
    this.inFlight.add(requestId);
    return work().finally(() => this.inFlight.delete(requestId));
  }

  /**
   * The relay for per-session backend connections, when the client declared sampling, elicitation or roots.
   * Otherwise calls use the shared connection, which declares none of them, so no backend can ask it.
   */
  relay(): SessionRelay | undefined {
    if (this.relayCache !== undefined) return this.relayCache ?? undefined;
    const declared = this.server.getClientCapabilities();
    if (!declared) return undefined; // not initialized yet: decide later
    const capabilities: ClientCapabilities = {
      ...(declared.sampling ? { sampling: declared.sampling } : {}),
      ...(declared.elicitation ? { elicitation: declared.elicitation } : {}),
      ...(declared.roots ? { roots: declared.roots } : {}),
    };
    this.relayCache = Object.keys(capabilities).length
      ? { key: this.id, capabilities, configureClient: (client) => this.installRelays(client, capabilities) }
      : null;
    return this.relayCache ?? undefined;
  }

  /** Only the declared capabilities get a handler: the SDK refuses a handler for a capability the client lacks. */
  private installRelays(client: Client, declared: ClientCapabilities): void {
    const related = () => {
      const last = [...this.inFlight].pop();
      return last === undefined ? {} : { relatedRequestId: last };
    };
    if (declared.sampling) {
      client.setRequestHandler(CreateMessageRequestSchema, (request, extra) =>
        this.server.createMessage(request.params, { signal: extra.signal, ...related() }),
      );
    }
    if (declared.elicitation) {
      client.setRequestHandler(ElicitRequestSchema, (request, extra) =>
        this.server.elicitInput(request.params, { signal: extra.signal, ...related() }),
      );
    }
    if (declared.roots) {
      client.setRequestHandler(ListRootsRequestSchema, (request, extra) =>
        this.server.listRoots(request.params, { signal: extra.signal, ...related() }),
      );
    }
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) =>
      this.server.sendLoggingMessage(notification.params, this.id).catch(() => undefined),
    );
  }
}
