/**
 * The gateway's Vault token: a configured one, or one from an AppRole login. Renewed (renew-self) once two thirds
 * of its lease have passed; an AppRole token that cannot be renewed any more is replaced by logging in again.
 */
import { ConfigError } from '@secure-mcp-gateway/core';
import type { VaultAuthOptions } from './options.js';
import { vaultError, type VaultAuthBlock, type VaultHttp } from './vault-http.js';

interface Lease {
  token: string;
  /** Epoch ms after which it should be renewed (or replaced by a new login); undefined when it does not expire. */
  renewAt?: number;
  /** Epoch ms at which it expires; undefined when it does not expire (or is unknown). */
  expiresAt?: number;
  renewable: boolean;
}

export class VaultSession {
  private lease?: Lease;
  private pending?: Promise<Lease>;
  /** How often the token was renewed and how often the gateway logged in (shown in the health check). */
  readonly stats = { logins: 0, renewals: 0 };

  constructor(private readonly http: VaultHttp, private readonly auth: VaultAuthOptions) {}

  /** A usable token, renewing or logging in first when it is due. Concurrent callers share one attempt. */
  async token(): Promise<string> {
    this.pending ??= this.ensure().finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).token;
  }

  /** Vault refused the token (403): with AppRole, log in again on the next call; a fixed token stays what it is. */
  forget(): boolean {
    if (this.auth.method !== 'approle') return false;
    this.lease = undefined;
    return true;
  }

  private async ensure(): Promise<Lease> {
    const now = Date.now();
    if (!this.lease) this.lease = this.auth.method === 'approle' ? await this.login() : await this.lookup(this.auth.token);
    else if (this.lease.expiresAt !== undefined && now >= this.lease.expiresAt && this.auth.method === 'approle') this.lease = await this.login();
    else if (this.lease.renewAt !== undefined && now >= this.lease.renewAt) this.lease = await this.renew(this.lease);
    return this.lease;
  }

  private async login(): Promise<Lease> {
    const { roleId, secretId, mount = 'approle' } = this.auth as Extract<VaultAuthOptions, { method: 'approle' }>;
    const response = await this.http.request('POST', `auth/${mount}/login`, undefined, { role_id: roleId, secret_id: secretId });
    if (response.status !== 200 || !response.body.auth?.client_token) {
      throw vaultError(`Vault AppRole login at auth/${mount} failed`, response, 'check VAULT_ROLE_ID and VAULT_SECRET_ID');
    }
    this.stats.logins++;
    return leaseOf(response.body.auth);
  }

  /** Learns whether a configured token expires and can be renewed; one that Vault does not know is refused here. */
  private async lookup(token: string): Promise<Lease> {
    const response = await this.http.request<{ ttl?: number; renewable?: boolean }>('GET', 'auth/token/lookup-self', token);
    if (response.status === 403) throw vaultError('Vault refused the configured token', response, 'check VAULT_TOKEN');
    // A token whose policy does not allow lookup-self still works for reading; it is then simply not renewed.
    if (response.status !== 200) return { token, renewable: false };
    return leaseOf({ client_token: token, lease_duration: response.body.data?.ttl ?? 0, renewable: response.body.data?.renewable ?? false });
  }

  private async renew(lease: Lease): Promise<Lease> {
    if (lease.renewable) {
      const response = await this.http.request('POST', 'auth/token/renew-self', lease.token, {});
      if (response.status === 200 && response.body.auth?.client_token) {
        this.stats.renewals++;
        return leaseOf(response.body.auth);
      }
    }
    if (this.auth.method === 'approle') return this.login();
    if (lease.expiresAt !== undefined && Date.now() >= lease.expiresAt) throw new ConfigError('the Vault token (VAULT_TOKEN) has expired and could not be renewed');
    // Not renewable any more (e.g. its max TTL is reached): keep using it until it expires.
    return { ...lease, renewAt: undefined };
  }
}

function leaseOf(auth: VaultAuthBlock): Lease {
  const now = Date.now();
  const lifetimeMs = auth.lease_duration * 1000;
  if (lifetimeMs <= 0) return { token: auth.client_token, renewable: auth.renewable };
  return {
    token: auth.client_token,
    renewable: auth.renewable,
    expiresAt: now + lifetimeMs,
    renewAt: now + (lifetimeMs * 2) / 3,
  };
}
