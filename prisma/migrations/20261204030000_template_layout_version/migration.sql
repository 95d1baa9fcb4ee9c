-- AlterTable: the layout version a templated message was wrapped in (null without a layout)
ALTER TABLE "messages" ADD COLUMN "template_layout_id" TEXT,
ADD COLUMN "template_layout_version" INTEGER;
