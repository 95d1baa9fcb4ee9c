-- Drops the four foreign keys that name a table partitioned by time (docs/partitioning.md): a
-- message's content and recipients naming their message, an event naming its message and recipient.
-- Each was checked for every row inserted, by a query against the partitioned table that finds the
-- partition as it runs, and each check locked the message's (or recipient's) row, written to the WAL:
-- six checks per delivered message. Herald writes these rows only with their message, in the same
-- statement (the intake's commit), or for a recipient and message the same statement finds (the
-- outcome writes), and never deletes a message or a recipient, so nothing could be left naming a
-- row that is not there. Measured (docs/performance.md): Postgres spent about 75 µs less per
-- delivered message. Their projects' foreign keys stay: deleting a project still takes its
-- messages, recipients and events with it; the content of its messages goes with its day's partition.
-- schema.prisma keeps the relations, which the client reads (test/support/schema-shape.ts lists them).
ALTER TABLE "message_contents" DROP CONSTRAINT "message_contents_id_fkey";
ALTER TABLE "recipients" DROP CONSTRAINT "recipients_message_id_fkey";
ALTER TABLE "events" DROP CONSTRAINT "events_message_id_fkey";
ALTER TABLE "events" DROP CONSTRAINT "events_recipient_id_fkey";
