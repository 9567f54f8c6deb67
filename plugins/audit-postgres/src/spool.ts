import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditEvent } from '@secure-mcp-gateway/core';

const READ_CHUNK = 1 << 20;

export interface SpoolRead {
  events: AuditEvent[];
  /** Byte offset after the last whole line read. */
  next: number;
  /** Lines that were not valid JSON (e.g. torn by a crash mid-write); skipped, counted for the log. */
  unreadable: number;
}

/**
 * An append-only JSON-lines file that holds events while PostgreSQL is unreachable. Appends are synced to disk
 * before they are acknowledged, so a spooled event survives a crash; replay reads it back in order from an offset.
 * The caller serializes every operation (one writer loop).
 */
export class Spool {
  private handle: FileHandle | undefined;
  /** Whether the last attempt to open or append succeeded: false from a failed write until one succeeds. */
  private lastError: string | undefined;

  constructor(readonly file: string) {}

  /** True unless the last open or append failed (disk full, no permission, the directory gone). */
  get writable(): boolean {
    return this.lastError === undefined;
  }

  /** Why the spool cannot be written, while it cannot. */
  get error(): string | undefined {
    return this.lastError;
  }

  /** Opens (creating) the file. A spool that cannot be opened is not fatal: `writable` is false, append retries. */
  async open(): Promise<void> {
    await this.recording(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      this.handle = await open(this.file, 'a+', 0o600);
    }).catch(() => undefined);
    if (!this.handle) return;
    // A line torn by a crash must not swallow the next event written after it.
    const size = await this.size();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await this.fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await this.fh.appendFile('\n');
    }
  }

  /** Bytes in the file; 0 while it could not be opened (it then holds nothing of ours). */
  async size(): Promise<number> {
    return this.handle ? (await this.handle.stat()).size : 0;
  }

  /** Appends and syncs; throws (and `writable` turns false) when the file cannot take them. */
  async append(events: readonly AuditEvent[]): Promise<void> {
    if (!events.length) return;
    if (!this.handle) await this.open();
    if (!this.handle) throw new Error(`audit spool ${this.file} cannot be opened (${this.lastError})`);
    await this.recording(async () => {
      const before = await this.fh.stat().then((stat) => stat.size);
      try {
        await this.fh.appendFile(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
        await this.fh.datasync();
      } catch (error) {
        // A half-written line would corrupt the next append; the events stay with the caller.
        await this.fh.truncate(before).catch(() => undefined);
        throw error;
      }
    });
  }

  /** Up to `max` events from `offset`, whole lines only. */
  async read(offset: number, max: number): Promise<SpoolRead> {
    const size = await this.size();
    if (!this.handle) return { events: [], next: offset, unreadable: 0 };
    const events: AuditEvent[] = [];
    let unreadable = 0;
    let position = offset;
    let chunk = READ_CHUNK;
    while (events.length < max && position < size) {
      const length = Math.min(chunk, size - position);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await this.fh.read(buffer, 0, length, position);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        if (length === size - position) break; // an unfinished last line: not ours to read yet
        chunk *= 2; // one line longer than the chunk
        continue;
      }
      chunk = READ_CHUNK;
      let consumed = 0;
      for (const line of text.slice(0, end).split('\n')) {
        if (events.length >= max) break;
        consumed += Buffer.byteLength(line) + 1;
        if (!line) continue;
        try {
          events.push(JSON.parse(line) as AuditEvent);
        } catch {
          unreadable++;
        }
      }
      position += consumed;
    }
    return { events, next: position, unreadable };
  }

  async clear(): Promise<void> {
    await this.handle?.truncate(0);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private async recording(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.lastError = undefined;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.lastError = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  private get fh(): FileHandle {
    if (!this.handle) throw new Error(`audit spool ${this.file} is not open`);
    return this.handle;
  }
}
