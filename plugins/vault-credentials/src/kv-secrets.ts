/**
 * Reads KV v2 secrets (GET /v1/<mount>/data/<path>) with the session's token, and keeps each for `ttlMs`, so that
 * many connections opening at once cost one read. A watched secret is read again every `ttlMs`; a new value
 * reaches its backend by a reconnect.
 */
import { ConfigError } from '@secure-mcp-gateway/core';
import { vaultError, type VaultHttp } from './vault-http.js';
import type { VaultReference } from './vault-reference.js';
import type { VaultSession } from './vault-session.js';

interface KvData {
  data?: Record<string, unknown> | null;
  metadata?: { version?: number; deletion_time?: string; destroyed?: boolean };
}

interface Entry {
  fields: Promise<Record<string, unknown>>;
  readAt: number;
}

export class KvSecrets {
  private readonly cache = new Map<string, Entry>();
  /** Reads that reached Vault, and whether the latest one failed (for the health check). */
  reads = 0;
  lastReadFailed = false;

  constructor(private readonly http: VaultHttp, private readonly session: VaultSession, private readonly ttlMs: number) {}

  /** The value of `reference`'s key; `fresh` skips the cache (a backend refused the previous value). */
  async value(reference: VaultReference, fresh = false): Promise<string> {
    const fields = await this.fields(reference, fresh);
    const value = fields[reference.key];
    if (typeof value !== 'string' || value === '') {
      const keys = Object.keys(fields);
      throw new ConfigError(`Vault secret ${reference.mount}/${reference.path} has no non-empty string "${reference.key}" (its keys: ${keys.length ? keys.join(', ') : 'none'})`);
    }
    return value;
  }

  /** Calls `onChange` when the key's value differs from `current`, checking every `ttlMs`. */
  watch(reference: VaultReference, current: string, onChange: () => void, onError: (error: unknown) => void): () => void {
    let known = current;
    const timer = setInterval(() => {
      this.value(reference).then(
        (value) => {
          if (value === known) return;
          known = value;
          onChange();
        },
        onError,
      );
    }, this.ttlMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private fields(reference: VaultReference, fresh: boolean): Promise<Record<string, unknown>> {
    const id = `${reference.mount}/${reference.path}`;
    const cached = this.cache.get(id);
    if (cached && !fresh && Date.now() - cached.readAt < this.ttlMs) return cached.fields;
    const entry: Entry = { fields: this.read(reference), readAt: Date.now() };
    this.cache.set(id, entry);
    entry.fields.then(
      () => {
        this.lastReadFailed = false;
      },
      () => {
        this.lastReadFailed = true;
        if (this.cache.get(id) === entry) this.cache.delete(id);
      },
    );
    return entry.fields;
  }

  private async read(reference: VaultReference, retried = false): Promise<Record<string, unknown>> {
    const where = `${reference.mount}/${reference.path}`;
    const response = await this.http.request<KvData>('GET', `${encodePath(reference.mount)}/data/${encodePath(reference.path)}`, await this.session.token());
    this.reads++;
    if (response.status === 403 && !retried && this.session.forget()) return this.read(reference, true);
    if (response.status === 403) throw vaultError(`Vault denied reading ${where}`, response, "the gateway's token or AppRole role needs a policy with read on this path");
    if (response.status === 404) {
      const deleted = response.body.data?.metadata?.deletion_time;
      throw new ConfigError(deleted ? `Vault secret ${where} is deleted (its latest version)` : `Vault has no secret ${where} (is "${reference.mount}" a KV v2 mount?)`);
    }
    if (response.status !== 200 || !response.body.data?.data) throw vaultError(`reading ${where} from Vault failed`, response);
    return response.body.data.data;
  }
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
