import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { AuditEvent } from '@secure-mcp-gateway/core';
import { toRow } from './event-row.js';
import { migrate } from './migrations.js';

export interface EventStoreOptions {
  connectionString: string;
  table: string;
  queryTimeoutMs: number;
  /** A connection failed outside a query (the server or the network went away). */
  onConnectionError(error: Error): void;
}

/** The events table: migrated before the first write, written in idempotent batches (a replayed id is skipped). */
export class EventStore {
  readonly db: Kysely<any>;
  private migrated: Promise<void> | undefined;

  constructor(private readonly options: EventStoreOptions) {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: 4,
      connectionTimeoutMillis: options.queryTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // pg emits a broken connection's error on the client too, even when the query that hit it already failed.
    pool.on('connect', (client) => client.on('error', options.onConnectionError));
    pool.on('error', options.onConnectionError);
    this.db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  }

  get table(): string {
    return this.options.table;
  }

  /** Creates or upgrades the table once; after a failure the next call tries again. */
  ready(): Promise<void> {
    this.migrated ??= migrate(this.db, this.options.table).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  async insert(events: readonly AuditEvent[]): Promise<void> {
    if (!events.length) return;
    await this.ready();
    await this.db.insertInto(this.options.table).values(events.map(toRow)).onConflict((conflict) => conflict.column('id').doNothing()).execute();
  }

  async check(): Promise<void> {
    await this.ready();
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
