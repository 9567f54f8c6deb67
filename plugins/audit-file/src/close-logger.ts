import type winston from 'winston';
import type TransportStream from 'winston-transport';
import DailyRotateFile from 'winston-daily-rotate-file';

/** Bounds shutdown when a disk hangs; lines still buffered then are reported by the caller's log, not waited on. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Ends the logger and waits until every line is on disk. winston's `finish` waits for its own File transport's
 * file, but a DailyRotateFile transport finishes before its rotating stream is flushed: that one is closed here.
 */
export async function closeLogger(logger: winston.Logger, transports: TransportStream[]): Promise<void> {
  await bounded(new Promise<void>((resolve) => {
    logger.once('finish', () => resolve());
    logger.end();
  }));
  await Promise.all(transports.filter((t) => t instanceof DailyRotateFile).map((transport) => bounded(new Promise<void>((resolve) => {
    transport.once('finish', () => resolve());
    (transport as DailyRotateFile).close?.();
  }))));
}

async function bounded(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)))]);
  clearTimeout(timer);
}
