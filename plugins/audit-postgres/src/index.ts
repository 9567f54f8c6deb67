/**
 * audit-postgres: stores every audit event in PostgreSQL (kysely + pg), off the request path, in batches; spools to a
 * local file while the database is unreachable and replays in order when it is back, also after a restart. Provides
 * the AuditStore service and `GET /audit` (admin only) to read the trail back.
 */
import { AuditStoreToken, definePlugin } from '@secure-mcp-gateway/core';
import { auditRouter } from './audit-route.js';
import { AuditQueries } from './audit-queries.js';
import { BatchWriter } from './batch-writer.js';
import { EventStore } from './event-store.js';
import { optionsSchema, resolvePostgresOptions, type AuditPostgresOptions } from './options.js';
import { Spool } from './spool.js';

export type { AuditPostgresOptions } from './options.js';

export const auditPostgres = definePlugin<AuditPostgresOptions>({
  name: 'audit-postgres',
  optionsSchema,
  setup(context) {
    const options = resolvePostgresOptions(context.options);
    const store = new EventStore({
      connectionString: options.connectionString,
      table: options.table,
      queryTimeoutMs: options.queryTimeoutMs,
      onConnectionError: (error) => writer.suspend(error),
    });
    const spool = new Spool(context.resolvePath(options.spoolFile));
    const writer = new BatchWriter(store, spool, { ...options, heartbeatMs: Math.max(options.retryIntervalMs, 1_000) }, context.logger);
    const queries = new AuditQueries(store, options.maxQueryLimit);

    // Durable: events are kept while PostgreSQL or, failing that, the spool file can take them (audit.failClosed).
    context.hooks.audit((event) => writer.enqueue(event), { durable: { canAccept: () => writer.canAccept, reason: () => writer.refusalReason } });
    context.services.provide(AuditStoreToken, queries);
    context.addRoutes(auditRouter(context, queries, options.maxQueryLimit));
    context.reportHealth(() => {
      const status = writer.status();
      if (status.mode === 'direct') return { status: 'ok' };
      // Says which problem it is (unreachable, login refused, no database, no permission), never a host or user name.
      const why = store.lastFailure?.summary ?? 'PostgreSQL unreachable';
      const held = status.dropped ? `; ${status.dropped} audit events dropped, more than maxHeldEvents waited in memory` : '; audit events wait in memory';
      const detail = status.spoolWritable ? `${why}; audit events are spooled to a local file` : `${why} and the spool file cannot be written${held}`;
      return { status: 'degraded', detail };
    });
    context.onStart(() => writer.start());
    context.onStop(async () => {
      await writer.stop();
      await store.close();
    });
  },
});

export default auditPostgres;
