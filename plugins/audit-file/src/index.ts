/**
 * audit-file: every audit event as one JSON line, written with winston to a file (size- or date-rotated when asked)
 * and optionally to standard output. Writes are buffered by the stream, off the request path; stopping the gateway
 * waits until every line is on disk. A durable sink for audit.failClosed while the file can be written.
 */
import { definePlugin } from '@secure-mcp-gateway/core';
import type TransportStream from 'winston-transport';
import { optionsSchema, resolveFileOptions, type AuditFileOptions } from './options.js';
import { createAuditLogger, createFileTransport, createTransports } from './transports.js';
import { closeLogger } from './close-logger.js';
import { FileWritability } from './file-writability.js';

export type { AuditFileOptions, AuditFileRotation } from './options.js';

export const auditFile = definePlugin<AuditFileOptions>({
  name: 'audit-file',
  optionsSchema,
  setup(context) {
    const options = resolveFileOptions(context.options, context.resolvePath);
    const transports = createTransports(options);
    const logger = createAuditLogger(transports);
    const watch = (transport: TransportStream) =>
      transport.on('error', (error: Error) => {
        context.logger.error(`cannot write audit file ${options.file}: ${error.message}`);
        writability.writeFailed(error);
      });
    // The file (not stdout) is what keeps events; after it was removed or moved away, a new one takes the lines.
    const reopen = () => {
      const [old] = transports;
      const fresh = watch(createFileTransport(options));
      transports.splice(0, 1, fresh);
      logger.add(fresh);
      if (old) logger.remove(old);
    };
    const writability = new FileWritability(options.file, Boolean(options.rotation), reopen, context.logger);
    transports.forEach(watch);
    context.hooks.audit(
      (event) => {
        if (!writability.writable) throw new Error(`audit file ${options.file} is not writable: ${writability.reason}`);
        logger.info(JSON.stringify(event));
      },
      { durable: { canAccept: () => writability.writable, reason: () => `the audit file cannot be written: ${writability.reason}` } },
    );
    context.reportHealth(() => (writability.writable ? { status: 'ok' } : { status: 'degraded', detail: 'audit file not writable' }));
    context.onStart(() => writability.start());
    context.onStop(() => {
      writability.stop();
      return closeLogger(logger, transports);
    });
    context.logger.info(`audit events to ${options.file}${options.rotation ? ' (rotated)' : ''}${options.stdout ? ' and stdout' : ''}`);
  },
});

export default auditFile;
