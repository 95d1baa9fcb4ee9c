/**
 * Keyset pagination for Herald's newest-first lists (messages, suppressions, webhook deliveries): a
 * page is the rows strictly after a position in (created_at desc, id desc) order, which stays right
 * while rows are added, unlike an offset. How a position travels (the API's opaque cursor, a
 * dashboard's link) is each front end's business; the condition and the page split are the same for all.
 */

/** Where an item sits in a newest-first list: its created_at and id (the id breaks ties). */
export interface Position {
  createdAt: Date;
  id: string;
}

/** Which page to read: at most `limit` items, strictly after `after` (absent: from the newest). */
export interface PageRequest {
  limit: number;
  after?: Position | undefined;
}

/** A page of items, and the position to read the next page after (null on the last page). */
export interface KeysetPage<T> {
  items: T[];
  next: Position | null;
}

/** The order of every newest-first list (a fresh array: Prisma's orderBy wants a mutable one). */
export function newestFirst(): [{ createdAt: 'desc' }, { id: 'desc' }] {
  return [{ createdAt: 'desc' }, { id: 'desc' }];
}

/** Prisma where-clause for "strictly after this position" in (created_at desc, id desc) order; valid for any model with both columns. */
export function afterPosition(position: Position) {
  return {
    OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }],
  };
}

/** How many rows to fetch for a page: one more than the limit, to know whether a next page exists. */
export const rowsToFetch = (page: PageRequest): number => page.limit + 1;

/** Splits a limit+1 fetch into the page and the position of its last item when more rows follow. */
export function keysetPage<T extends Position>(rows: T[], limit: number): KeysetPage<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
