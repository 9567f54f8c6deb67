import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  BackendError,
  BackendTimeoutError,
  BackendUnavailableError,
  GatewayError,
  RpcCode,
  describeError,
  isGatewayError,
} from '../errors.js';

/** An error the backend itself answered with; relayed with its own JSON-RPC code so clients see what it said. */
export class BackendRpcError extends GatewayError {
  override readonly code = 'backend_error';
  override readonly status: number;
  override readonly rpcCode: number;
  constructor(message: string, backendCode: number, readonly data?: unknown) {
    super(message);
    this.rpcCode = backendCode;
    this.status = backendCode === RpcCode.InvalidParams ? 400 : backendCode === RpcCode.MethodNotFound ? 404 : 502;
  }
}

/** True when an HTTP backend forgot our session (it restarted): the request was not processed and may be retried. */
export function isSessionLost(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/** Maps whatever the SDK or the network threw to a typed gateway error whose message names the server. */
export function toBackendError(server: string, error: unknown, timeoutMs: number): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) {
      return new BackendTimeoutError(`server "${server}" did not answer within ${timeoutMs / 1000}s`);
    }
    if (error.code === ErrorCode.ConnectionClosed) {
      return new BackendUnavailableError(`server "${server}" closed the connection`);
    }
    // The SDK prefixes "MCP error <code>: " (an SDK server already did once); the backend's own words follow.
    return new BackendRpcError(error.message.replace(/^(MCP error -?\d+: )+/, ''), error.code, error.data);
  }
  if (error instanceof StreamableHTTPError) {
    const detail = describeError(error).replace(/^Streamable HTTP error: /, '');
    // The SDK gives code -1 to an answer that is not MCP at all (e.g. an HTML page): there is no HTTP status to name.
    const status = error.code !== undefined && error.code >= 100 ? `HTTP ${error.code}` : 'something that is not MCP';
    return new BackendError(`server "${server}" answered ${status}: ${detail}`);
  }
  // A reachable server whose answer is not JSON, or not JSON-RPC: a bad answer, not a server that is down.
  if (error instanceof SyntaxError) return new BackendError(`server "${server}" answered with an invalid message (not JSON)`);
  if (error instanceof Error && error.name === 'ZodError') return new BackendError(`server "${server}" answered with an invalid message (not JSON-RPC)`);
  if (error instanceof Error && error.name === 'AbortError') {
    return new BackendError(`call to server "${server}" was cancelled`);
  }
  return new BackendUnavailableError(`server "${server}" is unreachable: ${describeError(error)}`);
}
