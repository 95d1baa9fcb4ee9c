import { readFileSync, writeFileSync } from 'node:fs';
import { generateTypes } from '../packages/sdk/src/generate-types.ts';

// npm run sdk:write regenerates packages/sdk/src/schema.d.ts; --check fails when it is stale
const target = 'packages/sdk/src/schema.d.ts';
const types = await generateTypes('openapi/openapi.json');
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== types) {
    console.error(`${target} is stale: run npm run sdk:write`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, types);
  console.log(`wrote ${target}`);
}
