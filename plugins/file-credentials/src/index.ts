/**
 * file-credentials: resolves `file:///path` backend credential references to the file's first line, trimmed, and
 * watches the file so that a rotated secret reaches the backend without a restart.
 */
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, definePlugin, type CredentialReference, type Logger } from '@secure-mcp-gateway/core';
import { optionsSchema, type FileCredentialsOptions } from './options.js';
import { readSecretFile, watchSecretFile } from './secret-file.js';

export type { FileCredentialsOptions } from './options.js';

export const fileCredentials = definePlugin<FileCredentialsOptions>({
  name: 'file-credentials',
  optionsSchema,
  setup(context) {
    const { allowedDirectories, pollIntervalSeconds = 60 } = context.options;
    const warned = new Set<string>();
    context.hooks.resolveCredential('file', async (reference) => {
      const path = secretPath(reference, allowedDirectories);
      const value = await readSecretFile(path);
      warnIfWorldReadable(path, warned, context.logger);
      return { value, watch: (onChange) => watchSecretFile(path, value, pollIntervalSeconds * 1000, onChange) };
    });
  },
});

export default fileCredentials;

/** `file:///run/secrets/x` → `/run/secrets/x` (percent-decoded); only absolute paths, inside the allowed directories. */
function secretPath(reference: CredentialReference, allowedDirectories: readonly string[] | undefined): string {
  let path: string;
  try {
    path = fileURLToPath(reference.raw);
  } catch {
    throw new ConfigError(`"${reference.raw}" is not a file URL; write file:///absolute/path`);
  }
  if (!isAbsolute(path)) throw new ConfigError(`"${reference.raw}" must name an absolute path (file:///absolute/path)`);
  path = resolve(path);
  if (allowedDirectories && !allowedDirectories.some((directory) => isInside(path, directory))) {
    throw new ConfigError(`file ${path} is outside the directories file-credentials may read (${allowedDirectories.join(', ')})`);
  }
  return path;
}

function isInside(path: string, directory: string): boolean {
  const rel = relative(resolve(directory), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** A secret any local user can read is worth a warning, once per file. */
function warnIfWorldReadable(path: string, warned: Set<string>, logger: Logger): void {
  if (warned.has(path)) return;
  warned.add(path);
  try {
    if (statSync(path).mode & 0o004) logger.warn(`secret file ${path} is readable by every local user; consider chmod 600`);
  } catch {
    // Already read successfully; a stat failure here changes nothing.
  }
}
