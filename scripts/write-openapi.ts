// Writes openapi/openapi.json from the route schemas; with --check, fails when the committed file is stale.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { openApiDocument, renderOpenApi } from '../apps/api/src/openapi/openapi-document.ts';

const file = new URL('../openapi/openapi.json', import.meta.url);
const text = renderOpenApi(await openApiDocument());

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (committed !== text) {
    console.error('openapi/openapi.json is stale: run `npm run openapi:write` and commit the result');
    process.exit(1);
  }
  console.log('openapi/openapi.json is up to date');
} else {
  mkdirSync(new URL('../openapi/', import.meta.url), { recursive: true });
  writeFileSync(file, text);
  console.log('wrote openapi/openapi.json');
}
