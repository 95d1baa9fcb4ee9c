-- Two indexes of messages made partial, so that a message takes an entry in each only when it needs
-- one, where before every message took one at its insert and another at each status update (the update
-- of a row whose status is indexed writes every index again):
--
-- * (project_id, idempotency_key) only where a key was given: it finds a replay
--   (packages/core/src/intake/idempotency.ts), whose `idempotency_key IN (...)` implies the predicate.
--   Most messages have no key, and their entries all went to one spot: (project, null) at the index's end.
-- * (status, send_at) becomes (id) only while the message is scheduled: retention reads it, for the
--   scheduled messages of a day it drops (apps/worker/src/maintenance/retention.ts, by their status and
--   id range); nothing reads messages by send_at. Its entries went to ('queued', null) and
--   ('delivered', null), two spots every writer inserts into at once.
--
-- Prisma's schema cannot declare a partial index, so both live here only; test/support/schema-shape.ts
-- lists them as expected (SQL_ONLY_INDEXES). IF NOT EXISTS: on a large database build them beforehand,
-- partition by partition, without blocking writes (docs/operations.md, "Stopping and upgrading").
CREATE INDEX IF NOT EXISTS "messages_idempotency_key_idx" ON "messages" ("project_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL;
DROP INDEX IF EXISTS "messages_project_id_idempotency_key_idx";
CREATE INDEX IF NOT EXISTS "messages_scheduled_idx" ON "messages" ("id") WHERE "status" = 'scheduled';
DROP INDEX IF EXISTS "messages_status_send_at_idx";
