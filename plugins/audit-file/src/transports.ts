import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import winston from 'winston';
import type TransportStream from 'winston-transport';
import DailyRotateFile from 'winston-daily-rotate-file';
import type { AuditFileRotation, ResolvedFileOptions } from './options.js';

/** Each event is already one JSON object: write it as it is, one per line, with nothing around it. */
const JSON_LINE = winston.format.printf((info) => String(info.message));

/** The file transport (rotating or not) and, when asked, standard output. */
export function createTransports(options: ResolvedFileOptions): TransportStream[] {
  const transports: TransportStream[] = [createFileTransport(options)];
  if (options.stdout) transports.push(new winston.transports.Stream({ stream: process.stdout }));
  return transports;
}

/** The file transport alone (first of `createTransports`), also to open the file anew after it was moved away. */
export function createFileTransport(options: ResolvedFileOptions): TransportStream {
  const file = options.file;
  mkdirSync(dirname(file), { recursive: true });
  return options.rotation ? rotatingFile(file, options.rotation) : new winston.transports.File({ filename: file });
}

export function createAuditLogger(transports: TransportStream[]): winston.Logger {
  return winston.createLogger({ level: 'info', format: JSON_LINE, transports, exitOnError: false });
}

function rotatingFile(file: string, rotation: AuditFileRotation): DailyRotateFile {
  return new DailyRotateFile({
    filename: file,
    // Without a date pattern only size rotates: a pattern that never changes keeps one date in every name.
    datePattern: rotation.datePattern ?? 'YYYY',
    ...(rotation.maxSize !== undefined ? { maxSize: sizeOption(rotation.maxSize) } : {}),
    ...(rotation.maxFiles !== undefined ? { maxFiles: rotation.maxFiles } : {}),
    zippedArchive: rotation.compress ?? false,
    utc: true,
  });
}

/** winston-daily-rotate-file reads plain numbers as bytes but ignores a digits-only string: make both numbers. */
function sizeOption(size: string | number): string | number {
  return typeof size === 'string' && /^\d+$/.test(size) ? Number(size) : size;
}
