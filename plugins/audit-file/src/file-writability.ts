import { constants, type Stats } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@secure-mcp-gateway/core';

/** How often the file is looked at: the longest an unwritable file goes unnoticed by audit.failClosed. */
export const PROBE_INTERVAL_MS = 1_000;

/**
 * Whether the audit file can take lines, kept as a flag the gateway reads on every call (audit.failClosed), so
 * the checks run on a timer, never per call. A write error, or a file or directory that was removed, replaced
 * or made unwritable, turns it false until a check opens the file for writing again. A file that was removed or
 * moved away is opened anew (`reopen`): lines written to the old one would never reach this path.
 */
export class FileWritability {
  private problem: string | undefined;
  private identity: Stats | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    private readonly file: string,
    /** A rotating file changes name: only its directory is checked. */
    private readonly rotated: boolean,
    private readonly reopen: () => void,
    private readonly logger: Logger,
  ) {}

  get writable(): boolean {
    return this.problem === undefined;
  }

  get reason(): string {
    return this.problem ?? 'writable';
  }

  start(): void {
    this.timer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.timer.unref();
    void this.probe();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A write failed: not writable until a check succeeds. */
  writeFailed(error: Error): void {
    this.flip(`a write failed (${codeOf(error)})`);
  }

  /** Checks the file now; also what the timer runs. */
  async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const directory = dirname(this.file);
      if (!(await stat(directory)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      await access(directory, constants.W_OK);
      if (!this.rotated) await this.checkFile();
      if (!this.writable) {
        this.logger.info(`audit file ${this.file} can be written again`);
        this.problem = undefined;
      }
    } catch (error) {
      this.flip(`the file or its directory cannot be written (${codeOf(error)})`);
    } finally {
      this.probing = false;
    }
  }

  /** The path must still be the file being written; while impaired, opening it for writing must work. */
  private async checkFile(): Promise<void> {
    const current = await stat(this.file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const moved = !current || (this.identity && (current.ino !== this.identity.ino || current.dev !== this.identity.dev));
    if (moved && this.identity) {
      this.logger.warn(`audit file ${this.file} was removed or moved away; opening it anew`);
      this.reopen();
    }
    if (moved || !this.writable) await (await open(this.file, 'a')).close();
    this.identity = await stat(this.file);
  }

  private flip(problem: string): void {
    if (this.writable) this.logger.error(`audit file ${this.file}: ${problem}; events cannot be kept in it`);
    this.problem = problem;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
