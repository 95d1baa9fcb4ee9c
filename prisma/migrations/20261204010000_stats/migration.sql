-- CreateTable
CREATE TABLE "stats_hourly" (
    "project_id" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "domain_id" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced_hard" INTEGER NOT NULL DEFAULT 0,
    "bounced_soft" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "complained" INTEGER NOT NULL DEFAULT 0,
    "unsubscribed" INTEGER NOT NULL DEFAULT 0,
    "suppressed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stats_hourly_pkey" PRIMARY KEY ("project_id","hour","domain_id","tag","shard")
);

-- CreateTable
CREATE TABLE "stats_latency_hourly" (
    "project_id" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "domain_id" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL,
    "bucket" SMALLINT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stats_latency_hourly_pkey" PRIMARY KEY ("project_id","hour","domain_id","tag","shard","bucket")
);

-- CreateTable
CREATE TABLE "stats_recipient_domains_hourly" (
    "project_id" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "domain_id" TEXT NOT NULL,
    "recipient_domain" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "deferred" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stats_recipient_domains_hourly_pkey" PRIMARY KEY ("project_id","hour","domain_id","recipient_domain","shard")
);

-- CreateTable
CREATE TABLE "stats_bounce_reasons_hourly" (
    "project_id" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "domain_id" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "enhanced_code" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "sample_reply" TEXT,

    CONSTRAINT "stats_bounce_reasons_hourly_pkey" PRIMARY KEY ("project_id","hour","domain_id","category","enhanced_code","shard")
);

-- AddForeignKey
ALTER TABLE "stats_hourly" ADD CONSTRAINT "stats_hourly_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_latency_hourly" ADD CONSTRAINT "stats_latency_hourly_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_recipient_domains_hourly" ADD CONSTRAINT "stats_recipient_domains_hourly_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stats_bounce_reasons_hourly" ADD CONSTRAINT "stats_bounce_reasons_hourly_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
