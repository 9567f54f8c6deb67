/**
 * A stand-in for HashiCorp Vault, since no Vault server can be installed here: it answers the documented endpoints
 * the vault-credentials plugin uses, with Vault's status codes and JSON shapes
 * (https://developer.hashicorp.com/vault/api-docs):
 *   GET  /v1/sys/health                     200 | 503 sealed
 *   POST /v1/auth/<mount>/login             AppRole login → { auth: { client_token, lease_duration, renewable, … } }; 400 bad role/secret id
 *   GET  /v1/auth/token/lookup-self         { data: { ttl, renewable, policies, … } }; 403 unknown token
 *   POST /v1/auth/token/renew-self          { auth: { client_token, lease_duration, renewable, … } }
 *   GET  /v1/<mount>/data/<path>            KV v2 read → { data: { data: {…}, metadata: { version, … } } }; 404 { errors: [] }
 * Every request with a token it does not know (or one that expired, or one without a policy for the path) gets
 * 403 { errors: ["permission denied"] }; every request while sealed gets 503 { errors: ["Vault is sealed"] }.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInToken {
  /** Seconds; 0 = never expires (like a root token). */
  ttl: number;
  renewable: boolean;
  /** `mount/path` prefixes this token may read. */
  paths: string[];
}

export interface VaultStandIn {
  url: string;
  /** Every request: method, path (without /v1/), the token it carried and the namespace header. */
  requests: Array<{ method: string; path: string; token?: string; namespace?: string; status: number }>;
  /** Registers a token, e.g. the one the gateway is configured with. */
  addToken(token: string, options: StandInToken): void;
  /** Registers an AppRole role; logins get tokens with `token` settings. Returns the role id and a secret id. */
  addAppRole(role: string, token: StandInToken): { roleId: string; secretId: string };
  /** Writes a new version of a KV v2 secret (`mount/path`). */
  write(secretPath: string, data: Record<string, string>): void;
  /** Deletes the latest version (a soft delete, as `vault kv delete` does). */
  softDelete(secretPath: string): void;
  /** Tokens handed out by logins and renewals, newest last. */
  issuedTokens: string[];
  sealed: boolean;
  stop(): Promise<void>;
}

interface SecretVersion {
  data: Record<string, string>;
  created_time: string;
  deletion_time: string;
}

export async function startVaultStandIn(): Promise<VaultStandIn> {
  const tokens = new Map<string, StandInToken & { expiresAt?: number }>();
  const roles = new Map<string, { secretId: string; token: StandInToken }>();
  const secrets = new Map<string, SecretVersion[]>();
  const issue = (settings: StandInToken): string => {
    const token = `hvs.${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { ...settings, ...(settings.ttl > 0 ? { expiresAt: Date.now() + settings.ttl * 1000 } : {}) });
    standIn.issuedTokens.push(token);
    return token;
  };
  const live = (token: string | undefined) => {
    const entry = token ? tokens.get(token) : undefined;
    return entry && (entry.expiresAt === undefined || Date.now() < entry.expiresAt) ? entry : undefined;
  };
  const authBlock = (token: string, settings: StandInToken) => ({
    request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null,
    auth: { client_token: token, accessor: randomUUID(), policies: ['default', 'mcp-gateway'], token_policies: ['default', 'mcp-gateway'], metadata: null, lease_duration: settings.ttl, renewable: settings.renewable, entity_id: '', token_type: 'service', orphan: true },
  });

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, string>) : {};
    const url = new URL(req.url ?? '/', 'http://vault');
    const path = url.pathname.replace(/^\/v1\//, '');
    const token = req.headers['x-vault-token'] as string | undefined;
    const send = (status: number, payload: unknown) => {
      standIn.requests.push({ method: req.method ?? '', path, ...(token ? { token } : {}), ...(req.headers['x-vault-namespace'] ? { namespace: String(req.headers['x-vault-namespace']) } : {}), status });
      reply(res, status, payload);
    };
    if (path === 'sys/health') return send(standIn.sealed ? 503 : 200, { initialized: true, sealed: standIn.sealed, standby: false, version: '1.17.0-stand-in' });
    if (standIn.sealed) return send(503, { errors: ['Vault is sealed'] });

    const login = /^auth\/([^/]+)\/login$/.exec(path);
    if (login && req.method === 'POST') {
      const role = [...roles.entries()].find(([roleId]) => roleId === body['role_id'])?.[1];
      if (!role || role.secretId !== body['secret_id']) return send(400, { errors: ['invalid role or secret ID'] });
      return send(200, authBlock(issue(role.token), role.token));
    }
    const caller = live(token);
    if (!caller) return send(403, { errors: ['permission denied'] });
    if (path === 'auth/token/lookup-self' && req.method === 'GET') {
      const ttl = caller.expiresAt === undefined ? 0 : Math.max(0, Math.round((caller.expiresAt - Date.now()) / 1000));
      return send(200, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: { ttl, renewable: caller.renewable, policies: ['default', 'mcp-gateway'], type: 'service' }, wrap_info: null, warnings: null, auth: null });
    }
    if (path === 'auth/token/renew-self' && req.method === 'POST') {
      if (!caller.renewable) return send(400, { errors: ['lease is not renewable'] });
      if (caller.ttl > 0) caller.expiresAt = Date.now() + caller.ttl * 1000;
      return send(200, authBlock(token!, caller));
    }
    const read = /^([^/]+)\/data\/(.+)$/.exec(path);
    if (read && req.method === 'GET') {
      const secretPath = `${read[1]}/${decodeURIComponent(read[2]!)}`;
      if (!caller.paths.some((prefix) => secretPath.startsWith(prefix))) return send(403, { errors: ['permission denied'] });
      const versions = secrets.get(secretPath);
      const latest = versions?.at(-1);
      if (!versions || !latest) return send(404, { errors: [] });
      const metadata = { created_time: latest.created_time, custom_metadata: null, deletion_time: latest.deletion_time, destroyed: false, version: versions.length };
      if (latest.deletion_time) return send(404, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: { data: null, metadata }, wrap_info: null, warnings: null, auth: null });
      return send(200, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: { data: latest.data, metadata }, wrap_info: null, warnings: null, auth: null });
    }
    return send(404, { errors: [] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const standIn: VaultStandIn = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    issuedTokens: [],
    sealed: false,
    addToken: (token, options) => void tokens.set(token, { ...options, ...(options.ttl > 0 ? { expiresAt: Date.now() + options.ttl * 1000 } : {}) }),
    addAppRole(role, token) {
      const roleId = `${role}-${randomUUID()}`;
      const secretId = randomUUID();
      roles.set(roleId, { secretId, token });
      return { roleId, secretId };
    },
    write: (secretPath, data) => void secrets.set(secretPath, [...(secrets.get(secretPath) ?? []), { data, created_time: new Date().toISOString(), deletion_time: '' }]),
    softDelete(secretPath) {
      const latest = secrets.get(secretPath)?.at(-1);
      if (latest) latest.deletion_time = new Date().toISOString();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(payload));
}
