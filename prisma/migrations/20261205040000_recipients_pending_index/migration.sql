-- The recipients still to be delivered, in (message, domain) order: what the sweeper pages through
-- (apps/worker/src/recovery/sweep.ts). It paged with recipients_status_next_attempt_at_idx, which finds
-- the pending recipients but not in the order of the pages, so each page of 500 (message, domain) pairs
-- re-read and sorted every pending recipient after the last page's: a backlog of N pending made N/500
-- pages of up to N rows each. This partial index holds only recipients queued or deferred (a recipient
-- leaves it with its final status), in the pages' order: a page reads its own rows and no more.
-- Prisma's schema cannot declare a partial index, so it lives here only; test/support/schema-shape.ts
-- lists it as expected (SQL_ONLY_INDEXES). IF NOT EXISTS: on a large database it may be built beforehand,
-- partition by partition, without blocking writes (docs/operations.md).
CREATE INDEX IF NOT EXISTS "recipients_pending_idx" ON "recipients" ("message_id", "domain") WHERE "status" IN ('queued', 'deferred');

-- The status index served the sweeper only; nothing else reads recipients by status without a message.
-- Without it, a recipient's final status is one index entry fewer (the partial index takes no entry
-- for it, the status index took one).
DROP INDEX IF EXISTS "recipients_status_next_attempt_at_idx";
