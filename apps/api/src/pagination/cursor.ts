import { HeraldError, type KeysetPage, type PageRequest, type Position } from '@herald/core';

/**
 * Opaque cursors for the API's newest-first lists: the position (created_at, id) of the last item of
 * a page, base64url. The keyset condition and the page split are core's (pagination/keyset.ts), shared
 * with the dashboard; only this encoding is the API's. A cursor that does not decode is a 400 naming
 * the query parameter.
 */

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

/** The page a list query asks for: its limit, and the position its cursor names (400 when it names none). */
export function pageRequest(query: { limit: number; cursor?: string | undefined }): PageRequest {
  return { limit: query.limit, after: query.cursor ? decodeCursor(query.cursor) : undefined };
}

/** A page as the API answers it: the items shaped by `present`, and the cursor of the next page (null on the last). */
export function presentPage<T, V>(page: KeysetPage<T>, present: (item: T) => V): { data: V[]; next_cursor: string | null } {
  return { data: page.items.map(present), next_cursor: page.next ? encodeCursor(page.next) : null };
}
