-- AlterEnum
ALTER TYPE "EventType" ADD VALUE 'delayed';
ALTER TYPE "EventType" ADD VALUE 'unsubscribed';
ALTER TYPE "EventType" ADD VALUE 'auto_reply';
ALTER TYPE "EventType" ADD VALUE 'unrecognized_bounce';

-- AlterTable
ALTER TABLE "domains" ADD COLUMN "unsubscribe_default" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN "unsubscribe" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "feedback_reports" (
    "id" TEXT NOT NULL,
    "project_id" TEXT,
    "message_id" TEXT,
    "kind" TEXT NOT NULL,
    "mail_from" TEXT NOT NULL,
    "rcpt_to" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "raw" BYTEA,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feedback_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "feedback_reports_message_id_idx" ON "feedback_reports"("message_id");

-- CreateIndex
CREATE INDEX "feedback_reports_created_at_idx" ON "feedback_reports"("created_at");

-- AddForeignKey
ALTER TABLE "feedback_reports" ADD CONSTRAINT "feedback_reports_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feedback_reports" ADD CONSTRAINT "feedback_reports_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;
