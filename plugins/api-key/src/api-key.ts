/** API keys: how they look, how they are hashed, and a constant-time lookup by hash. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keys carry this prefix so they are recognisable in an Authorization header (and by secret scanners). */
export const KEY_PREFIX = 'mgw_';

/** A new random key (256 bits). Show it once; store only `hashApiKey(key)`. */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** `sha256:<hex>`: keys are high-entropy random values, so a fast hash suffices (no dictionary to attack). */
export function hashApiKey(key: string): string {
  return `sha256:${digest(key).toString('hex')}`;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Finds the entry whose hash matches `presented`. Every entry is compared, in constant time, so neither the timing
 * nor the position of a match tells anything about the configured keys.
 */
export function findByKey<T extends { hash: string }>(entries: readonly T[], presented: string): T | undefined {
  const candidate = digest(presented);
  let found: T | undefined;
  for (const entry of entries) {
    const expected = Buffer.from(entry.hash.slice('sha256:'.length), 'hex');
    if (timingSafeEqual(candidate, expected) && !found) found = entry;
  }
  return found;
}
