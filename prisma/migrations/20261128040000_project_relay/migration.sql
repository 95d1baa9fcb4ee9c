-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "relay_url_encrypted" TEXT;
