-- Raw messages are compressed with lz4 rather than pglz: several times less CPU per message stored.
-- (Prisma's schema cannot say this; schema.prisma and this migration agree on everything else.)
ALTER TABLE "messages" ALTER COLUMN "raw" SET COMPRESSION lz4;
