import { HeraldError } from '@herald/core';

/**
 * Opaque cursors for newest-first lists: the (created_at, id) of the last item of a page, base64url.
 * A cursor that does not decode is a 400 naming the query parameter.
 */
export interface Position {
  createdAt: Date;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new HeraldError('validation_failed', 'query.cursor: not a cursor this API returned', [
      { field: 'query.cursor', message: 'must be a next_cursor value returned by this API' },
    ]);
  }
  return { createdAt, id };
}

/** Prisma where-clause for "strictly after this position" in (created_at desc, id desc) order. */
export function afterPosition(position: Position) {
  return {
    OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }],
  };
}

/** Splits a limit+1 fetch into the page and the next cursor. */
export function page<T extends Position>(rows: T[], limit: number): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? encodeCursor(last) : null };
}
