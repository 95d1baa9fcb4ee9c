import { loadApiConfig, migrate, migrationDatabaseUrl } from '@herald/core';

export async function migrateCommand(): Promise<number> {
  const config = loadApiConfig();
  const result = await migrate(migrationDatabaseUrl(config));
  if (result.createdDatabase) console.log('created the database');
  for (const name of result.applied) console.log(`applied ${name}`);
  console.log(
    result.applied.length === 0
      ? `database is up to date (${result.alreadyApplied.length} migrations applied)`
      : `${result.applied.length} migration(s) applied`,
  );
  return 0;
}
