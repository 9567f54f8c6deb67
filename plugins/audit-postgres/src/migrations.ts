import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/**
 * The table's migrations, in code: each runs once, in name order, tracked in `<table>_migrations`. Add new ones at
 * the end; never edit one that has shipped. The user column is `principal_username` (`user` is reserved in SQL).
 */
function migrations(table: string): Record<string, Migration> {
  return {
    '001_create_events': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable(table)
          .ifNotExists()
          .addColumn('seq', 'bigint', (col) => col.generatedAlwaysAsIdentity().primaryKey())
          .addColumn('id', 'text', (col) => col.notNull().unique())
          .addColumn('ts', 'timestamptz', (col) => col.notNull())
          .addColumn('event_type', 'text', (col) => col.notNull())
          .addColumn('outcome', 'text', (col) => col.notNull())
          .addColumn('request_id', 'text')
          .addColumn('trace_id', 'text')
          .addColumn('parent_id', 'text')
          .addColumn('principal_sub', 'text')
          .addColumn('principal_username', 'text')
          .addColumn('principal_roles', sql`text[]`)
          .addColumn('client_address', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('session_id', 'text')
          .addColumn('channel', 'text')
          .addColumn('server', 'text')
          .addColumn('tool', 'text')
          .addColumn('resource', 'text')
          .addColumn('prompt', 'text')
          .addColumn('arguments', 'jsonb')
          .addColumn('error', 'text')
          .addColumn('duration_ms', 'double precision')
          .addColumn('result_size', 'bigint')
          .addColumn('details', 'jsonb')
          .execute();
        // Every query pages newest first by (ts, seq); each filter gets an index that also serves that order.
        const indexes: Array<[string, string[]]> = [
          ['ts', ['ts', 'seq']],
          ['username', ['principal_username', 'ts', 'seq']],
          ['sub', ['principal_sub', 'ts', 'seq']],
          ['server', ['server', 'ts', 'seq']],
          ['tool', ['tool', 'ts', 'seq']],
          ['outcome', ['outcome', 'ts', 'seq']],
          ['event_type', ['event_type', 'ts', 'seq']],
          ['parent', ['parent_id']],
        ];
        for (const [suffix, columns] of indexes) {
          await db.schema.createIndex(`${table}_${suffix}_idx`).ifNotExists().on(table).columns(columns).execute();
        }
      },
    },
  };
}

/** Creates or upgrades the table; throws with the failing migration's error. */
export async function migrate(db: Kysely<any>, table: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(table) };
  const migrator = new Migrator({ db, provider, migrationTableName: `${table}_migrations`, migrationLockTableName: `${table}_migrations_lock` });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`migrating table "${table}"${failed ? ` (${failed})` : ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
