import type { Stream } from 'node:stream';

/** Bounds on what is kept of a stdio server's stderr: enough to say why it failed, never its whole output. */
const MAX_BYTES = 2048;
const MAX_LINES = 8;
/** Stack frames (`    at fn (file:1:2)`) say where, not why; the lines around them say why. */
const STACK_FRAME = /^\s+at\s/;
// Control characters (colour codes, carriage returns) could forge or garble a log line.
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;]*[A-Za-z]|[\u0000-\u001f\u007f]/g;

/**
 * The last few lines a stdio server wrote to stderr, so that one that exits at start-up (bad arguments, a missing
 * module, a crash) is reported with its own words rather than only as "closed the connection".
 */
export class StderrTail {
  private text = '';

  constructor(stderr: Stream | null | undefined) {
    stderr?.on('data', (chunk: Buffer) => {
      this.text = (this.text + chunk.toString()).slice(-MAX_BYTES * 2);
    });
  }

  /** The kept lines joined on one line, or '' when the server wrote nothing. */
  summary(): string {
    const lines = this.text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !STACK_FRAME.test(line))
      .map((line) => line.replace(CONTROL, '').trim())
      .slice(-MAX_LINES);
    return lines.join(' | ').slice(-MAX_BYTES);
  }
}
