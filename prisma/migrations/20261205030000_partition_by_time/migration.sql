-- Partitions the tables that grow with traffic by time (docs/partitioning.md): RANGE on the primary
-- key `id`, whose ULID begins with the time the row belongs to. A message's recipients, content,
-- events and their webhook deliveries carry the message's time in their ids (packages/core/src/ids.ts),
-- so a message's whole history lies in one interval of each table and goes when that interval is
-- dropped; a lookup by id reads one partition; primary and foreign keys stay as they were.
--
-- No row moves: each table as it is becomes the partition <table>_p_legacy of every id below the end
-- of the current interval (dropped when it is empty); beside it, the default partition
-- <table>_p_default takes any row no other partition holds (a late event of an interval already
-- dropped). `herald migrate` and the workers' maintenance make the partitions of the coming intervals
-- (packages/core/src/partitions). The
-- migration's time is spent checking: attaching each old table reads it once, and each foreign key
-- that named a converted table is checked again against the partitioned one.
--
-- A unique index must contain the partition key, so three cannot be the partitioned tables' own:
-- - messages (project_id, idempotency_key): the key is now claimed in idempotency_keys, in the same
--   statement as the message (packages/core/src/intake/commit-messages.ts);
-- - events (dedupe_key) and webhook_deliveries (endpoint_id, event_id): an event with a dedupe key, and
--   a webhook delivery, have an id derived from it, so the primary key refuses the second copy.
-- Each stays on the old partition, where it still guards the rows written before.

-- The ten ULID time characters (Crockford base32) of a time: ids minted at it begin with them (packages/core/src/ids.ts).
CREATE FUNCTION pg_temp.ulid_time(t timestamptz) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  ms bigint := floor(extract(epoch FROM t) * 1000);
  encoded text := '';
BEGIN
  FOR i IN 1..10 LOOP
    encoded := substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (ms % 32)::int + 1, 1) || encoded;
    ms := ms / 32;
  END LOOP;
  RETURN encoded;
END $$;

-- Turns table `tbl` into a table partitioned by RANGE (id) without moving a row: the table as it is
-- becomes the partition <tbl>_p_legacy, holding every id below the start of the next interval (or
-- past the highest id it holds); beside it, the default partition <tbl>_p_default. The parent gets the
-- table's columns, primary key, indexes and foreign keys, each attached to the table's own (nothing is
-- rebuilt); a unique index without the id (the partition key) cannot be the parent's, so it stays the
-- old partition's alone. Foreign keys that named the table are pointed at the parent afterwards
-- (pg_temp.repoint_foreign_keys). Partitions of later intervals are made by `herald migrate` and the
-- workers' maintenance (packages/core/src/partitions/ensure-partitions.ts).
CREATE FUNCTION pg_temp.partition_by_id(tbl text, prefix text, unit text, storage text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  legacy text := tbl || '_p_legacy';
  upper_bound text := prefix || '_' || pg_temp.ulid_time(date_trunc(unit, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + ('1 ' || unit)::interval);
  highest text;
  ix record;
  fk record;
  indexdefs text[] := '{}';
  def text;
BEGIN
  EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, legacy);
  FOR ix IN SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def, i.indisunique, i.indisprimary
            FROM pg_index i WHERE i.indrelid = legacy::regclass LOOP
    IF NOT ix.indisunique THEN
      indexdefs := indexdefs || regexp_replace(ix.def, ' ON (ONLY )?\S+ USING ', format(' ON %I USING ', tbl));
    END IF;
    EXECUTE format('ALTER INDEX %I RENAME TO %I', ix.name, left(ix.name, 52) || '_legacy');
  END LOOP;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE (id)', tbl, legacy);
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id)', tbl, tbl || '_pkey');
  FOREACH def IN ARRAY indexdefs LOOP EXECUTE def; END LOOP;
  FOR fk IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = legacy::regclass AND contype = 'f' LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, fk.conname, fk.def);
  END LOOP;
  EXECUTE format('SELECT max(id) FROM %I', legacy) INTO highest;
  IF highest >= upper_bound THEN upper_bound := highest || '~'; END IF;
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)', tbl, legacy, upper_bound);
  EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT %s', tbl || '_p_default', tbl, coalesce('WITH (' || storage || ')', ''));
END $$;

-- Points every foreign key that names an old table (now the partition <tbl>_p_legacy) at the
-- partitioned table instead: dropped and added again, which checks the rows that reference it.
CREATE FUNCTION pg_temp.repoint_foreign_keys() RETURNS void LANGUAGE plpgsql AS $$
DECLARE fk record;
BEGIN
  FOR fk IN SELECT c.conrelid::regclass::text AS owner, c.conname, pg_get_constraintdef(c.oid) AS def, r.relname AS target
            FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.contype = 'f' AND c.conparentid = 0 AND r.relname LIKE '%\_p\_legacy'
              AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.conrelid) LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.owner, fk.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.owner, fk.conname,
      replace(fk.def, format('REFERENCES %s(', fk.target), format('REFERENCES %s(', left(fk.target, length(fk.target) - length('_p_legacy')))));
  END LOOP;
END $$;

-- A new database (or one that never sent) keeps no partition of the past: only the default and those
-- `herald migrate` then makes from the current interval on.
CREATE FUNCTION pg_temp.drop_if_empty(tbl text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE is_empty boolean;
BEGIN
  EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', tbl || '_p_legacy') INTO is_empty;
  IF is_empty THEN
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', tbl, tbl || '_p_legacy');
    EXECUTE format('DROP TABLE %I', tbl || '_p_legacy');
  END IF;
END $$;

-- Content past retention goes with its day's partition, not row by row: a message without content has
-- had it removed, and no message row is written to say so.
ALTER TABLE "messages" DROP COLUMN "raw_purged_at";

CREATE TABLE "idempotency_keys" (
    "project_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("project_id", "key")
);
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
INSERT INTO "idempotency_keys" ("project_id", "key", "created_at")
  SELECT "project_id", "idempotency_key", "created_at" FROM "messages" WHERE "idempotency_key" IS NOT NULL;

SELECT pg_temp.partition_by_id('messages', 'msg', 'month', NULL);
SELECT pg_temp.partition_by_id('recipients', 'rcpt', 'month', 'fillfactor = 60');
SELECT pg_temp.partition_by_id('message_contents', 'msg', 'day', NULL);
SELECT pg_temp.partition_by_id('events', 'evt', 'week', NULL);
SELECT pg_temp.partition_by_id('webhook_deliveries', 'whd', 'week', NULL);
SELECT pg_temp.repoint_foreign_keys();
SELECT pg_temp.drop_if_empty(t) FROM unnest(ARRAY['messages', 'recipients', 'message_contents', 'events', 'webhook_deliveries']) AS t;

-- a replay finds its messages by key (packages/core/src/intake/idempotency.ts)
CREATE INDEX "messages_project_id_idempotency_key_idx" ON "messages" ("project_id", "idempotency_key");

-- The old tables keep their statistics under their new names; the empty default partitions are left
-- unanalyzed on purpose (packages/core/src/partitions/ensure-partitions.ts says why).

