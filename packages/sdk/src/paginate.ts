import type { Client } from 'openapi-fetch';
import { HeraldApiError } from './errors.ts';
import type { paths } from './schema.d.ts';

/** A page as Herald's cursor-paginated lists answer: the items and the cursor of the next page (null on the last). */
interface CursorPage {
  data: unknown[];
  next_cursor: string | null;
}

type GetOf<P extends keyof paths> = paths[P] extends { get: infer Op } ? Op : never;

/** Every path whose GET takes a `cursor` query parameter and answers `{ data, next_cursor }`. */
export type CursorPath = {
  [P in keyof paths]: GetOf<P> extends { parameters: { query?: { cursor?: string } }; responses: { 200: { content: { 'application/json': CursorPage } } } } ? P : never;
}[keyof paths];

/** One item of a cursor path's pages (a message, a suppression, a template, …). */
export type PageItem<P extends CursorPath> = GetOf<P> extends { responses: { 200: { content: { 'application/json': { data: (infer Item)[] } } } } } ? Item : never;

type Parameters_<P extends CursorPath> = GetOf<P> extends { parameters: infer Params } ? Params : never;

/** What a paged list is asked with: its filters (not the cursor, which the iterator follows), and path parameters where it has some. */
export type PageInit<P extends CursorPath> = {
  query?: Omit<NonNullable<Parameters_<P> extends { query?: infer Q } ? Q : never>, 'cursor'>;
} & (Parameters_<P> extends { path: infer Path } ? { path: Path } : { path?: never });

/**
 * Every item of a cursor-paginated list, page after page, following next_cursor until it is null.
 * An error answer is thrown as a HeraldApiError (after the client's own retries).
 */
export async function* paginate<P extends CursorPath>(client: Client<paths>, path: P, init?: PageInit<P>): AsyncGenerator<PageItem<P>, void, undefined> {
  let cursor: string | undefined;
  do {
    const params = { path: init?.path, query: { ...init?.query, ...(cursor ? { cursor } : {}) } };
    // the path is one of the cursor paths; openapi-fetch's overloads cannot follow a generic path
    const result = (await (client.GET as (p: string, o: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(path, { params }));
    if (result.error !== undefined || !result.response.ok) throw new HeraldApiError(result.response.status, result.error);
    const page = result.data as CursorPage;
    for (const item of page.data) yield item as PageItem<P>;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}
