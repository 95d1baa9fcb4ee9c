// Prisma CLI configuration (Prisma 7 keeps connection URLs out of schema.prisma).
// Herald applies migrations with its own migrator (`npm run db:migrate`); this file lets
// `prisma generate` run here and `prisma migrate deploy` run wherever the schema engine is available.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/herald',
  },
});
