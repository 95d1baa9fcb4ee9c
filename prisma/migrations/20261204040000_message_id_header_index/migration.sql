-- CreateIndex
CREATE INDEX "messages_message_id_header_idx" ON "messages"("message_id_header");
