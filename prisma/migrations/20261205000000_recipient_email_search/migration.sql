-- CreateIndex
-- Finding a project's messages by recipient address without case (GET /v1/messages?recipient=…, the
-- dashboard's search): an index on lower(email). Prisma's schema cannot declare an expression index, so
-- it lives here only; test/support/schema-shape.ts lists it as expected (SQL_ONLY_INDEXES). IF NOT
-- EXISTS: on a large database it may be built beforehand with CREATE INDEX CONCURRENTLY (docs/operations.md).
CREATE INDEX IF NOT EXISTS "recipients_project_id_lower_email_idx" ON "recipients" ("project_id", lower("email"));
