import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '@herald/core';
import { TEST_DATABASE_URL } from './env.ts';

export interface ThrowawayDatabase {
  name: string;
  /** The database's URL: same server and user as the test database. */
  url: string;
  /** Runs a callback with a client connected to the database. */
  withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T>;
  /** Whether the database exists on the server. */
  exists(): Promise<boolean>;
  /** Drops the database (closing its connections) if it exists. */
  drop(): Promise<void>;
}

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A database name of its own on the test server; nothing is created until someone (the migrator) does. */
export function throwawayDatabase(label: string): ThrowawayDatabase {
  const name = `herald_${label}_${randomBytes(5).toString('hex')}`;
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async withClient(use) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return await use(client);
      } finally {
        await client.end();
      }
    },
    exists: () => withAdmin(async (admin) => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1),
    drop: () => withAdmin(async (admin) => void (await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** A throwaway database with every migration applied, for tests whose subject scans whole tables. */
export async function migratedThrowawayDatabase(label: string): Promise<ThrowawayDatabase> {
  const database = throwawayDatabase(label);
  await migrate(database.url);
  return database;
}
