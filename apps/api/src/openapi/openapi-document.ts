import { apiSettings, createLogger, createResolver, createStore, domainSettings, parseSettings } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { buildApp } from '../app.ts';

/**
 * The OpenAPI 3.1 document generated from the route schemas, with the default configuration. Nothing
 * is connected: the database client opens connections only when a query runs, and none does here.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = parseSettings(apiSettings, {});
  const db = createDb(config.databaseUrl, { pooler: config.databasePooler });
  const app = await buildApp({
    config,
    db,
    store: createStore(db),
    log: createLogger('openapi', 'silent'),
    enqueue: () => Promise.reject(new Error('not connected')),
    readiness: {},
    resolver: createResolver({ servers: ['127.0.0.1'] }),
    masterKey: Buffer.alloc(32),
    domainSettings: domainSettings(config),
  });
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  await db.$disconnect();
  return document;
}

/** Stable text form: two-space JSON and a final newline. */
export function renderOpenApi(document: Record<string, unknown>): string {
  return JSON.stringify(document, null, 2) + '\n';
}
