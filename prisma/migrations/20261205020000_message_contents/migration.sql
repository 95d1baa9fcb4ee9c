-- A message's raw content moves out of "messages" into a table of its own, one row per message that
-- still has its content, keyed by the message's id. Content is kept far shorter than the message row
-- (HERALD_RETENTION_RAW against forever): in its own table, retention deletes content rows instead of
-- rewriting message rows, and a table partitioned by id (ULIDs are in time order) can drop a whole
-- partition of content at once. raw_size and raw_purged_at stay on "messages".
CREATE TABLE "message_contents" (
    "id" TEXT NOT NULL,
    "raw" BYTEA NOT NULL
);

-- lz4 as "messages"."raw" had (20261201010000_raw_lz4): several times less CPU per message stored than
-- pglz. Prisma's schema cannot say this; schema.prisma and this migration agree on everything else.
ALTER TABLE "message_contents" ALTER COLUMN "raw" SET COMPRESSION lz4;

-- Every content still stored, in id (creation) order; each value is copied as it is stored (Postgres
-- does not recompress a compressed value it copies, so content written before the lz4 migration stays
-- pglz and reads the same). The key and the foreign key come after the copy: one index build and one
-- check of all rows, cheaper than a check per inserted row.
INSERT INTO "message_contents" ("id", "raw") SELECT "id", "raw" FROM "messages" WHERE "raw" IS NOT NULL ORDER BY "id";

ALTER TABLE "message_contents" ADD CONSTRAINT "message_contents_pkey" PRIMARY KEY ("id");
ALTER TABLE "message_contents" ADD CONSTRAINT "message_contents_id_fkey" FOREIGN KEY ("id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "messages" DROP COLUMN "raw";
