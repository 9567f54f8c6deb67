import { ConfigError, type CredentialReference } from '@secure-mcp-gateway/core';

/** `vault://mount/path#key`: a key of a KV v2 secret. */
export interface VaultReference {
  mount: string;
  path: string;
  key: string;
}

const SEGMENT = /^[A-Za-z0-9._@+=-]+$/;

/**
 * Splits a reference. The first segment is the KV v2 mount; a `data/` right after it is dropped, so that
 * `vault://secret/data/elk#token` (the API path, as Vault's UI shows it) means the same as `vault://secret/elk#token`.
 */
export function parseVaultReference(reference: CredentialReference): VaultReference {
  const hash = reference.location.lastIndexOf('#');
  const key = hash > 0 ? reference.location.slice(hash + 1) : '';
  const segments = (hash > 0 ? reference.location.slice(0, hash) : reference.location).split('/').filter(Boolean);
  if (!key || segments.length < 2 || !segments.every((segment) => SEGMENT.test(segment) && segment !== '..' && segment !== '.')) {
    throw new ConfigError(`"${reference.raw}" is not a Vault reference; write vault://<kv-v2 mount>/<path>#<key>, e.g. vault://secret/elk#token`);
  }
  const [mount, ...rest] = segments as [string, ...string[]];
  if (rest[0] === 'data' && rest.length > 1) rest.shift();
  return { mount, path: rest.join('/'), key };
}
