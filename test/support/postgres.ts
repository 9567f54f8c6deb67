import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the tests use: 127.0.0.1:5432, trust auth, user postgres (override with TEST_POSTGRES_URL). */
export const POSTGRES_ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs SQL in the test database. */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`these tests need PostgreSQL at ${POSTGRES_ADMIN_URL} (trust auth, user postgres): ${(error as Error).message}`);
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one test file; `drop()` removes it even with connections still open. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.href, max: 2 });
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => void open.add(client));
  pool.on('remove', (client) => void open.delete(client));
  return {
    name,
    url: url.href,
    query: async (text, values) => (await pool.query(text, values)).rows,
    async drop() {
      // pool.end() resolves once its clients are told to end, before their sockets close; a backend still alive then
      // is killed by the forced drop and its client emits "terminating connection due to administrator command".
      const closed = new Promise<void>((resolve) => {
        const check = () => void (open.size === 0 && resolve());
        pool.on('remove', check);
        check();
      });
      await pool.end();
      await closed;
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
