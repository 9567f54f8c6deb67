/** Reading a secret file (its first line, trimmed) and noticing when its content changes. */
import { watch as watchFs, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ConfigError } from '@secure-mcp-gateway/core';

/** Editors and `kubectl` write in several steps; wait for the burst to settle before re-reading. */
const SETTLE_MS = 50;

/** The first line of the file, trimmed. Errors name the path and the reason, never the content. */
export async function readSecretFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(describeFsError(path, error));
  }
  const value = text.split(/\r?\n/, 1)[0]!.trim();
  if (!value) throw new ConfigError(`file ${path} is empty (its first line holds the secret)`);
  return value;
}

/**
 * Calls `onChange` when the secret in `path` differs from `current`. Watches the directory, not the file, so that
 * atomic replacements (rename over it, Kubernetes' symlink swap) are seen too; polls as a fallback.
 */
export function watchSecretFile(path: string, current: string, pollMs: number, onChange: () => void): () => void {
  let known = current;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      readSecretFile(path)
        .then((value) => {
          if (stopped || value === known) return;
          known = value;
          onChange();
        })
        // A file that is briefly missing mid-rotation is not a change; the next event or poll will see the new one.
        .catch(() => undefined);
    }, SETTLE_MS);
    timer.unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    const name = basename(path);
    watcher = watchFs(dirname(path), { persistent: false }, (_event, changed) => {
      if (!changed || changed === name || changed.startsWith('..')) check();
    });
    watcher.on('error', () => undefined);
  } catch {
    // No change events on this file system; polling alone will do.
  }
  const poll = pollMs > 0 ? setInterval(check, pollMs) : undefined;
  poll?.unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(poll);
    watcher?.close();
  };
}

function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `file ${path} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return `file ${path} is not readable by the gateway (${code})`;
  if (code === 'EISDIR') return `${path} is a directory, not a file`;
  return `cannot read file ${path} (${code ?? 'error'})`;
}
