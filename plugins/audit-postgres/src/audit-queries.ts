import { sql } from 'kysely';
import { BadRequestError, type AuditPage, type AuditQuery, type AuditStore } from '@secure-mcp-gateway/core';
import { fromRow, type StoredRow } from './event-row.js';
import type { EventStore } from './event-store.js';

export const DEFAULT_LIMIT = 100;

/** Reads the trail back, newest first, in pages: the cursor is the (ts, seq) of the last event of a page. */
export class AuditQueries implements AuditStore {
  constructor(
    private readonly store: EventStore,
    private readonly maxLimit: number,
  ) {}

  async query(query: AuditQuery): Promise<AuditPage> {
    await this.store.ready();
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, this.maxLimit);
    let select = this.store.db.selectFrom(this.store.table).selectAll();
    const user = query.user;
    if (user !== undefined) select = select.where((eb) => eb.or([eb('principal_username', '=', user), eb('principal_sub', '=', user)]));
    if (query.server !== undefined) select = select.where('server', '=', query.server);
    if (query.tool !== undefined) select = select.where('tool', '=', query.tool);
    if (query.outcome !== undefined) select = select.where('outcome', '=', query.outcome);
    if (query.eventType !== undefined) select = select.where('event_type', '=', query.eventType);
    if (query.from !== undefined) select = select.where('ts', '>=', query.from);
    if (query.to !== undefined) select = select.where('ts', '<', query.to);
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      select = select.where(sql<boolean>`(ts, seq) < (${after.ts}::timestamptz, ${after.seq}::bigint)`);
    }
    const rows = (await select.orderBy('ts', 'desc').orderBy('seq', 'desc').limit(limit + 1).execute()) as StoredRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { events: page.map(fromRow), ...(rows.length > limit && last ? { nextCursor: encodeCursor(last) } : {}) };
  }
}

function encodeCursor(row: StoredRow): string {
  return Buffer.from(JSON.stringify({ ts: row.ts.toISOString(), seq: String(row.seq) })).toString('base64url');
}

function decodeCursor(cursor: string): { ts: string; seq: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { ts?: unknown; seq?: unknown };
    if (typeof value.ts === 'string' && !Number.isNaN(Date.parse(value.ts)) && typeof value.seq === 'string' && /^\d{1,19}$/.test(value.seq)) {
      return { ts: value.ts, seq: value.seq };
    }
  } catch {
    // reported below
  }
  throw new BadRequestError('"cursor" is not a cursor this API returned');
}
