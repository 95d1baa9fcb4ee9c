-- Drops the indexes of messages and of events by created_at alone. Every list of messages or events is
-- a project's, read through (project_id, created_at ...); retention drops whole partitions, and what it
-- deletes row by row from the default and legacy partitions it now finds in id order (the primary key),
-- by created_at as before (apps/worker/src/maintenance/retention.ts). Every delivered message paid for
-- them: four of the 32 B-tree entries it writes (the message's row, again at its status update, and its
-- two events), each on the right-hand leaf of an index of the time that every writer inserts into at
-- once (docs/performance.md, "Indexes of the time alone").
DROP INDEX "messages_created_at_idx";
DROP INDEX "events_created_at_idx";
