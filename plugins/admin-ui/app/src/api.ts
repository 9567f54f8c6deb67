/**
 * The one place the app talks to the gateway: every call carries the current bearer token, and every failure
 * becomes an ApiError with the gateway's own message, so pages can show it as it is.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
  get forbidden(): boolean {
    return this.status === 403;
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function createApi(baseUrl: string, token: () => string | undefined, onUnauthorized: () => void): Api {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const bearer = token();
    if (bearer) headers['authorization'] = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      throw new ApiError(0, `the gateway cannot be reached (${error instanceof Error ? error.message : String(error)})`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      if (response.status === 401) onUnauthorized();
      throw new ApiError(response.status, errorMessage(parsed, text, response), errorCode(parsed));
    }
    return parsed as T;
  };
  return {
    get: (path) => request('GET', path),
    send: (method, path, body) => request(method, path, body),
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The gateway answers `{error: {code, message}}`; other services may answer `{error: "..."}` or `{message}`. */
function errorMessage(body: unknown, text: string, response: Response): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const error = record['error'];
    if (error && typeof error === 'object' && typeof (error as Record<string, unknown>)['message'] === 'string') return (error as { message: string }).message;
    if (typeof record['message'] === 'string') return record['message'];
    if (typeof record['error_description'] === 'string') return record['error_description'];
    if (typeof error === 'string') return error;
  }
  return text.trim().slice(0, 300) || `${response.status} ${response.statusText}`;
}

function errorCode(body: unknown): string | undefined {
  const error = body && typeof body === 'object' ? (body as Record<string, unknown>)['error'] : undefined;
  if (error && typeof error === 'object' && typeof (error as Record<string, unknown>)['code'] === 'string') return (error as { code: string }).code;
  return typeof error === 'string' ? error : undefined;
}
