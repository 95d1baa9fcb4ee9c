-- Messages, recipients and events name their project, and a message its sending domain and API key,
-- without foreign keys (docs/partitioning.md#foreign-keys). Each key was checked for every row
-- inserted: a query that finds the project's (domain's, key's) row and locks it, from every
-- transaction at once, so the one project row every writer names is locked by all of them together
-- (a multixact, written to the WAL). Six checks per delivered message of one recipient (five at intake:
-- the message's project, domain and key, its recipient's and its queued event's project; one for its
-- delivery's event); measured (docs/performance.md): the intake's statement about 20 µs less a message.
-- Herald writes these rows only with the project, domain and key it has just read (the request's
-- key, the intake's domain lookup), and the deletions the keys carried out are kept by triggers on
-- the three small tables, which cost the writes nothing:
--   deleting a project deletes its events, recipients, messages and their content (before, their
--   content waited for its day's partition to be dropped);
--   deleting a sending domain or an API key sets the messages' domain_id or api_key_id to null.
-- schema.prisma keeps the relations, which the client reads (test/support/schema-shape.ts lists them).
ALTER TABLE "messages" DROP CONSTRAINT "messages_project_id_fkey";
ALTER TABLE "messages" DROP CONSTRAINT "messages_domain_id_fkey";
ALTER TABLE "messages" DROP CONSTRAINT "messages_api_key_id_fkey";
ALTER TABLE "recipients" DROP CONSTRAINT "recipients_project_id_fkey";
ALTER TABLE "events" DROP CONSTRAINT "events_project_id_fkey";

CREATE FUNCTION "herald_delete_project_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "events" WHERE "project_id" = OLD."id";
  DELETE FROM "recipients" WHERE "project_id" = OLD."id";
  DELETE FROM "message_contents" c USING "messages" m WHERE m."project_id" = OLD."id" AND c."id" = m."id";
  DELETE FROM "messages" WHERE "project_id" = OLD."id";
  RETURN OLD;
END $$;
CREATE TRIGGER "projects_delete_rows" BEFORE DELETE ON "projects"
  FOR EACH ROW EXECUTE FUNCTION "herald_delete_project_rows"();

-- The messages naming a deleted domain or API key forget it: the trigger's argument names the column.
CREATE FUNCTION "herald_forget_in_messages"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('UPDATE "messages" SET %1$I = NULL WHERE %1$I = $1', TG_ARGV[0]) USING OLD."id";
  RETURN NULL;
END $$;
CREATE TRIGGER "domains_forget_messages" AFTER DELETE ON "domains"
  FOR EACH ROW EXECUTE FUNCTION "herald_forget_in_messages"('domain_id');
CREATE TRIGGER "api_keys_forget_messages" AFTER DELETE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION "herald_forget_in_messages"('api_key_id');
