import { migrate } from '@herald/core';
import { TEST_DATABASE_URL } from './support/env.ts';

/** Creates and migrates the test database once per run, with Herald's own migrator. */
export default async function setup(): Promise<void> {
  await migrate(TEST_DATABASE_URL);
}
