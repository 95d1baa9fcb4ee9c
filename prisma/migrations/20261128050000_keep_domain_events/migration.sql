-- DropForeignKey
ALTER TABLE "events" DROP CONSTRAINT "events_domain_id_fkey";

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "domains"("id") ON DELETE SET NULL ON UPDATE CASCADE;
