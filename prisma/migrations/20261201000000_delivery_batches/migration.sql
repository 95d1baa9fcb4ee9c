-- Deliveries committed together are sent by one BullMQ batch job; the sweeper checks that job.
ALTER TABLE "recipients" ADD COLUMN "batch_job_id" TEXT;
