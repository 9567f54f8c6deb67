/**
 * Calls to Vault's HTTP API (https://developer.hashicorp.com/vault/api-docs) and the errors they can end in, each
 * named for what the operator has to fix. Tokens travel only in the X-Vault-Token header, never in a message; nor
 * does Vault's address, since these messages also reach API callers.
 */
import { ConfigError, GatewayError, ServiceUnavailableError } from '@secure-mcp-gateway/core';

export interface VaultHttpOptions {
  address: string;
  namespace?: string;
  timeoutMs: number;
}

/** The `auth` block of a login or renewal answer. */
export interface VaultAuthBlock {
  client_token: string;
  /** Seconds; 0 means the token does not expire. */
  lease_duration: number;
  renewable: boolean;
}

export interface VaultResponse<T = unknown> {
  status: number;
  body: { data?: T; auth?: VaultAuthBlock; errors?: string[] };
}

export class VaultHttp {
  private readonly base: string;

  constructor(private readonly options: VaultHttpOptions) {
    this.base = options.address.replace(/\/+$/, '');
  }

  /** One request; a sealed or unreachable Vault is a 503 whatever was asked, other statuses are for the caller. */
  async request<T>(method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<VaultResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['x-vault-token'] = token;
    if (this.options.namespace) headers['x-vault-namespace'] = this.options.namespace;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}/v1/${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new ServiceUnavailableError(timedOut ? `Vault did not answer within ${this.options.timeoutMs / 1000}s` : 'Vault is unreachable');
    }
    const parsed = (await response.json().catch(() => ({}))) as VaultResponse<T>['body'];
    if (response.status === 503) {
      const sealed = (parsed.errors ?? []).some((message) => /sealed/i.test(message));
      throw new ServiceUnavailableError(sealed ? 'Vault is sealed (HTTP 503); secrets resolve again once it is unsealed' : `Vault is unavailable (HTTP 503: ${errorsOf(parsed)})`);
    }
    return { status: response.status, body: parsed };
  }
}

/** Vault's own error strings (`{"errors": [...]}`), which name the problem and carry no secrets. */
export function errorsOf(body: { errors?: string[] }): string {
  const errors = (body.errors ?? []).filter(Boolean);
  return errors.length ? errors.join('; ') : 'no detail';
}

/** A refused or failed call, named; 4xx are the operator's to fix (configuration), the rest the backend's. */
export function vaultError(what: string, response: VaultResponse, hint = ''): GatewayError {
  const message = `${what} (HTTP ${response.status}: ${errorsOf(response.body)})${hint ? `; ${hint}` : ''}`;
  return response.status >= 400 && response.status < 500 ? new ConfigError(message) : new ServiceUnavailableError(message);
}
