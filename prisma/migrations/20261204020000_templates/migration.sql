-- AlterTable
ALTER TABLE "messages" ADD COLUMN "template_id" TEXT,
ADD COLUMN "template_version" INTEGER;

-- CreateTable
CREATE TABLE "templates" (
    "id" TEXT NOT NULL,
    "project_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'template',
    "name" TEXT NOT NULL,
    "alias" TEXT,
    "layout_id" TEXT,
    "published_version" INTEGER NOT NULL,
    "latest_version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "template_versions" (
    "id" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT,
    "sample_variables" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "template_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "templates_project_id_created_at_id_idx" ON "templates"("project_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "templates_layout_id_idx" ON "templates"("layout_id");

-- CreateIndex
CREATE UNIQUE INDEX "templates_project_id_alias_key" ON "templates"("project_id", "alias");

-- CreateIndex
CREATE UNIQUE INDEX "template_versions_template_id_number_key" ON "template_versions"("template_id", "number");

-- AddForeignKey
ALTER TABLE "templates" ADD CONSTRAINT "templates_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "templates" ADD CONSTRAINT "templates_layout_id_fkey" FOREIGN KEY ("layout_id") REFERENCES "templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Keys that hold every scope there was (made with the preset "full") get the new one too
UPDATE "api_keys" SET "scopes" = array_append("scopes", 'templates:manage')
WHERE "scopes" @> ARRAY['messages:send', 'messages:read', 'domains:manage', 'webhooks:manage', 'suppressions:manage', 'keys:manage']::TEXT[]
  AND NOT ("scopes" @> ARRAY['templates:manage']::TEXT[]);
