import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { AuditEvent } from '@secure-mcp-gateway/core';
import { DatabaseFailure, explainDatabaseFailure } from './database-failure.js';
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
  /** Connections whose socket is still open (pg's pool forgets a client before its socket has closed). */
  private readonly open = new Set<pg.PoolClient>();
  private readonly pool: pg.Pool;
  /** Why PostgreSQL last failed (unreachable, refused login, no database, no permission), for health and logs. */
  lastFailure: DatabaseFailure | undefined;

  constructor(private readonly options: EventStoreOptions) {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: 4,
      connectionTimeoutMillis: options.queryTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    this.pool = pool;
    // pg emits a broken connection's error on the client too, even when the query that hit it already failed.
    pool.on('connect', (client) => {
      this.open.add(client);
      client.on('error', (error: Error) => options.onConnectionError(this.explain(error)));
    });
    pool.on('remove', (client) => void this.open.delete(client));
    pool.on('error', (error) => options.onConnectionError(this.explain(error)));
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
    try {
      await this.ready();
      await this.db.insertInto(this.options.table).values(events.map(toRow)).onConflict((conflict) => conflict.column('id').doNothing()).execute();
    } catch (error) {
      throw this.explain(error);
    }
  }

  async check(): Promise<void> {
    try {
      await this.ready();
      await sql`select 1`.execute(this.db);
    } catch (error) {
      throw this.explain(error);
    }
  }

  private explain(error: unknown): DatabaseFailure {
    this.lastFailure = explainDatabaseFailure(error, this.options.connectionString);
    return this.lastFailure;
  }

  /**
   * Ends the pool and waits (bounded by the query timeout, for a hung network) until every connection is closed, so
   * no connection of a stopped gateway is left for the server to kill later.
   */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((resolve) => {
      const check = () => void (this.open.size === 0 && resolve());
      this.pool.on('remove', check);
      check();
      timer = setTimeout(resolve, this.options.queryTimeoutMs);
    });
    await this.db.destroy();
    await closed;
    clearTimeout(timer);
  }
}
