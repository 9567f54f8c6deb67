/**
 * Errors the CLI raises itself, and the exit code of every error: 0 success, 1 the operation failed (the gateway
 * refused it, a tool returned an error), 2 the command line is wrong, 3 the gateway could not be reached.
 */
import { BadRequestError, GatewayError, ServiceUnavailableError } from '../errors.js';

export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Unreachable: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The command line itself is wrong (bad JSON in --params, a malformed --param); nothing was sent. */
export class UsageError extends BadRequestError {}

/** No HTTP answer at all from the gateway (refused, DNS, timeout). */
export class GatewayUnreachableError extends ServiceUnavailableError {}

/** The gateway answered with an error: its HTTP status, error code and message, as it sent them. */
export class RemoteError extends GatewayError {
  override readonly status: number;
  override readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** An operation that ran but did not succeed (a tool result with isError, a broadcast with failed targets). */
export class OperationFailedError extends GatewayError {}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return ExitCode.Usage;
  if (error instanceof GatewayUnreachableError) return ExitCode.Unreachable;
  return ExitCode.Failed;
}
