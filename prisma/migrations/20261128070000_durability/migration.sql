-- AlterTable
ALTER TABLE "recipients" ADD COLUMN     "sending_until" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "webhook_deliveries_created_at_idx" ON "webhook_deliveries"("created_at");
