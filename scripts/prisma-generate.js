#!/usr/bin/env node
// Generates the Prisma client into packages/core/src/generated/prisma.
// Prisma's CLI wants a schema-engine binary path even though `generate` never runs it; the engine is
// a download that cannot happen here (see docs/development.md), so point it at any existing file.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  console.log('prisma-generate: the prisma CLI is not installed (production install); skipping');
  process.exit(0);
}
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
