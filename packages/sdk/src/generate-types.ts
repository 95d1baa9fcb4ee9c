import { readFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';

/** The SDK's types file as openapi-typescript generates it from Herald's committed OpenAPI document. */
export async function generateTypes(openapiPath: string): Promise<string> {
  const document = JSON.parse(readFileSync(openapiPath, 'utf8')) as Parameters<typeof openapiTS>[0];
  const header = '// Generated from openapi/openapi.json by `npm run sdk:write`; do not edit. A test checks it is current.\n';
  // a field with a default may be left out of a request: not required in the types (openapi-typescript's default makes it so)
  return header + astToString(await openapiTS(document, { defaultNonNullable: false }));
}
