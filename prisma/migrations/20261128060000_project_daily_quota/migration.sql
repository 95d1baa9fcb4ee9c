-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "daily_quota" INTEGER;
