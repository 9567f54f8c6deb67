import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

/** Large enough that ordinary catalogs fit one page; clients that follow `nextCursor` get the rest. */
export const PAGE_SIZE = 500;

/** Offset pagination with an opaque cursor. A cursor that was not ours is an invalid-params error. */
export function paginate<K extends string, T>(items: T[], cursor: string | undefined, key: K): { [P in K]: T[] } & { nextCursor?: string } {
  const start = cursor === undefined ? 0 : decodeCursor(cursor);
  const page = items.slice(start, start + PAGE_SIZE);
  const next = start + PAGE_SIZE < items.length ? Buffer.from(String(start + PAGE_SIZE)).toString('base64url') : undefined;
  return { [key]: page, ...(next ? { nextCursor: next } : {}) } as { [P in K]: T[] } & { nextCursor?: string };
}

function decodeCursor(cursor: string): number {
  const offset = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(offset) || offset < 0) throw new McpError(ErrorCode.InvalidParams, 'invalid cursor');
  return offset;
}
