-- CreateIndex
CREATE INDEX "messages_tags_idx" ON "messages" USING GIN ("tags");
