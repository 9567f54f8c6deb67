import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { PluginError, isGatewayError } from '../errors.js';

/**
 * The SDK turns a thrown error into a JSON-RPC error from its `code`, `message` and `data`. McpError prefixes its
 * message with "MCP error <code>:", which the client adds again, so gateway errors are thrown as plain errors.
 */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

export function toRpcError(error: unknown): Error {
  if (error instanceof McpError || error instanceof RpcError) return error;
  if (isGatewayError(error)) {
    const message = error instanceof PluginError ? error.publicMessage : error.message;
    return new RpcError(error.rpcCode, message, { error: error.code, status: error.status, ...error.details });
  }
  return new RpcError(-32603, 'internal error');
}
