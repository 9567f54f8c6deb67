/**
 * audit-file: every audit event as one JSON line, written with winston to a file (size- or date-rotated when asked)
 * and optionally to standard output. Writes are buffered by the stream, off the request path; stopping the gateway
 * waits until every line is on disk.
 */
import { definePlugin } from '@secure-mcp-gateway/core';
import { optionsSchema, resolveFileOptions, type AuditFileOptions } from './options.js';
import { createAuditLogger, createTransports } from './transports.js';
import { closeLogger } from './close-logger.js';

export type { AuditFileOptions, AuditFileRotation } from './options.js';

export const auditFile = definePlugin<AuditFileOptions>({
  name: 'audit-file',
  optionsSchema,
  setup(context) {
    const options = resolveFileOptions(context.options);
    const transports = createTransports(options);
    const logger = createAuditLogger(transports);
    let lastError: string | undefined;
    for (const transport of transports) {
      transport.on('error', (error: Error) => {
        lastError = error.message;
        context.logger.error(`cannot write audit file ${options.file}: ${error.message}`);
      });
    }
    context.hooks.audit((event) => {
      if (lastError) throw new Error(`audit file ${options.file} is not writable: ${lastError}`);
      logger.info(JSON.stringify(event));
    });
    context.reportHealth(() => (lastError ? { status: 'degraded', detail: 'audit file not writable' } : { status: 'ok' }));
    context.onStop(() => closeLogger(logger, transports));
    context.logger.info(`audit events to ${options.file}${options.rotation ? ' (rotated)' : ''}${options.stdout ? ' and stdout' : ''}`);
  },
});

export default auditFile;
