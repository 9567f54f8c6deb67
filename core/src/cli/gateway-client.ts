/**
 * Talks to a running gateway's REST API for the commands that need one. Every command that does takes `--url` and
 * `--token` (or MCP_GATEWAY_URL / MCP_GATEWAY_TOKEN), and a refusal is reported as the gateway sent it: HTTP status,
 * error code and message.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { describeError } from '../errors.js';
import { GatewayUnreachableError, RemoteError } from './cli-errors.js';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8000';

export interface RemoteOptions {
  url: string;
  token?: string;
  requestTimeout: number;
}

/** Adds `--url`, `--token` and `--request-timeout`; `urlDefault: false` leaves `--url` unset unless given (local-or-remote commands). */
export function addRemoteOptions(command: Command, urlDefault = true): Command {
  const url = new Option('--url <url>', urlDefault ? 'gateway base URL' : 'change a running gateway through its admin API instead of the local file').env('MCP_GATEWAY_URL');
  return command
    .addOption(urlDefault ? url.default(DEFAULT_GATEWAY_URL) : url)
    .addOption(new Option('--token <token>', 'bearer token for the gateway (get one with `mcp-gateway token`)').env('MCP_GATEWAY_TOKEN'))
    .addOption(new Option('--request-timeout <seconds>', 'give up waiting for the gateway after this long').default(300).argParser(positiveNumber));
}

/** A commander argument parser: a mistake is reported with the option's name, as a command-line error (exit 2). */
export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return number;
}

export class GatewayClient {
  private readonly base: string;

  constructor(private readonly options: RemoteOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  get url(): string {
    return this.base;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.requestTimeout * 1000),
      });
    } catch (error) {
      throw new GatewayUnreachableError(`cannot reach the gateway at ${this.base}: ${reasonOf(error)} (is it running? start it with \`mcp-gateway start\`, or pass --url)`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) throw remoteError(response.status, parsed, text, Boolean(this.options.token));
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
}

function remoteError(status: number, body: unknown, text: string, hadToken: boolean): RemoteError {
  const { error, message } = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown };
  const code = typeof error === 'string' ? error : `http_${status}`;
  let detail = typeof message === 'string' ? message : text.trim().slice(0, 300) || 'no details';
  if (status === 401) detail += hadToken ? ' (the token was refused: it may have expired; get a new one with `mcp-gateway token`)' : ' (pass --token or set MCP_GATEWAY_TOKEN; get one with `mcp-gateway token`)';
  return new RemoteError(status, code, `gateway answered HTTP ${status} ${code}: ${detail}`);
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? describeError(error);
}

/** A path segment or query value, escaped. */
export const segment = encodeURIComponent;
