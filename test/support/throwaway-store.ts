import { createLogger, createStore, type Db, type Store } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { seedProject } from './api-app.ts';
import { migratedThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.ts';

/** A Store on a database of its own (migrated), with one project and its verified sending domain. */
export interface ThrowawayStore {
  database: ThrowawayDatabase;
  db: Db;
  store: Store;
  projectId: string;
  domain: string;
  /** Disconnects and drops the database. */
  close(): Promise<void>;
}

export async function throwawayStore(label: string, options: { poolSize: number }): Promise<ThrowawayStore> {
  const database = await migratedThrowawayDatabase(label);
  const db = createDb(database.url, { poolSize: options.poolSize });
  const store = createStore(db, { log: createLogger('test', 'silent') });
  let seeded: { id: string; domain: string };
  try {
    // the label names the project's domain too, where an underscore may not stand
    seeded = await seedProject(db, label.replaceAll('_', '-'));
  } catch (err) {
    // the caller never gets the database to drop
    await db.$disconnect();
    await database.drop();
    throw err;
  }
  const { id: projectId, domain } = seeded;
  return {
    database, db, store, projectId, domain,
    async close() {
      await db.$disconnect();
      await database.drop();
    },
  };
}
