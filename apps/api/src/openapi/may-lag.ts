/**
 * The sentence the OpenAPI document adds to every route that reads from the read replica
 * (DATABASE_READ_URL, store.staleReads): its answer may be a moment behind the latest writes.
 */
export const MAY_LAG =
  'On a server with a read replica this answer may lag a moment behind the latest writes (something just created may be missing); a single resource read by its id (such as GET /v1/messages/{id}) is always current.';
