import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTypes } from './generate-types.ts';

describe("the SDK's generated types", () => {
  it('are what openapi-typescript makes of the committed openapi/openapi.json (npm run sdk:write regenerates them)', async () => {
    const root = new URL('../../../', import.meta.url);
    const committed = readFileSync(new URL('packages/sdk/src/schema.d.ts', root), 'utf8');
    expect(committed === (await generateTypes(new URL('openapi/openapi.json', root).pathname)), 'packages/sdk/src/schema.d.ts is stale: run npm run sdk:write').toBe(true);
  });
});
