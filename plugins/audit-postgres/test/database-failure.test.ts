/**
 * What audit-postgres says when PostgreSQL cannot take events, against the real server: one that cannot be reached
 * is told apart from one that refuses the login, has no such database, or denies a permission, each with what to
 * fix, in the log and in /health, and never with the password of the connection string.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import auditPostgres from '@secure-mcp-gateway/plugin-audit-postgres';
import { httpJson } from '../../../test/support/client.js';
import { freePort, startGateway, type RunningGateway } from '../../../test/support/gateway.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.js';

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

describe('audit-postgres: why PostgreSQL cannot take events', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let dir: string;
  let gateway: RunningGateway | undefined;
  let logLines: string[];
  let originalWrite: typeof process.stderr.write;
  const role = `no_create_${randomBytes(4).toString('hex')}`;

  /** `db.url` with another user (and a password, which trust auth ignores) or another database. */
  const urlWith = (change: { user?: string; database?: string; port?: number }) => {
    const url = new URL(db.url);
    if (change.user) url.username = change.user;
    url.password = PASSWORD;
    if (change.database) url.pathname = `/${change.database}`;
    if (change.port) url.port = String(change.port);
    return url.href;
  };

  /** Starts a gateway on `connectionString` and gives back its health detail and the log lines it wrote. */
  async function report(connectionString: string): Promise<{ health: { status: string; detail: string }; log: string }> {
    gateway = await startGateway({ servers: {}, plugins: [auditPostgres({ connectionString, spoolFile: join(dir, 'spool.jsonl'), queryTimeoutMs: 2_000 })] });
    const health = (await httpJson(`${gateway.url}/health`)).body.plugins['audit-postgres'];
    // The log is JSON lines; their messages are compared as an operator reads them.
    const messages = logLines.join('').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { message: string }).message);
    return { health, log: messages.join('\n') };
  }

  before(async function () {
    db = await createTestDatabase('audit_pg_fail');
    await db.query(`CREATE ROLE ${role} LOGIN`);
  });

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'audit-pg-fail-'));
    logLines = [];
    originalWrite = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logLines.push(String(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()));
      return true;
    }) as typeof process.stderr.write;
  });

  afterEach(async function () {
    process.stderr.write = originalWrite;
    await gateway?.stop();
    gateway = undefined;
    await rm(dir, { recursive: true, force: true });
    expect(logLines.join('\n')).not.to.include(PASSWORD);
  });

  after(async function () {
    await db?.query(`DROP ROLE IF EXISTS ${role}`);
    await db?.drop();
  });

  it('a role that does not exist: the login is refused, not the server unreachable', async function () {
    const { health, log } = await report(urlWith({ user: 'no_such_role' }));
    expect(health).to.deep.equal({ status: 'degraded', detail: 'PostgreSQL refused the login; audit events are spooled to a local file' });
    expect(log).to.match(/PostgreSQL at 127\.0\.0\.1:5432 is reachable but refused the login \(role "no_such_role" does not exist\): check the user name and password in DATABASE_URL/);
    expect(log).not.to.include('unreachable');
  });

  it('a database that does not exist: says to create it or fix its name', async function () {
    const { health, log } = await report(urlWith({ database: 'no_such_database' }));
    expect(health.detail).to.equal('PostgreSQL has no such database; audit events are spooled to a local file');
    expect(log).to.match(/is reachable but has no such database \(database "no_such_database" does not exist\): create it, or fix the database name in DATABASE_URL/);
  });

  it('a user without permission to create the table: says which grant is missing', async function () {
    const { health, log } = await report(urlWith({ user: role }));
    expect(health.detail).to.equal('PostgreSQL denied a permission; audit events are spooled to a local file');
    expect(log).to.match(/denied the user of DATABASE_URL a permission it needs \(permission denied for schema public\): grant it CREATE/);
  });

  it('nothing listening on the port: unreachable, with the host and port to check', async function () {
    const port = await freePort();
    const { health, log } = await report(urlWith({ port }));
    expect(health.detail).to.equal('PostgreSQL unreachable; audit events are spooled to a local file');
    expect(log).to.match(new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} is unreachable \\(.*ECONNREFUSED.*\\): check the host and port in DATABASE_URL`));
  });
});
