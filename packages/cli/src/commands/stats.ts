import { findProject, loadApiConfig, pgPool, rebuildStats } from '@herald/core';
import { createDb } from '@herald/core/db/orm';

/** `herald stats rebuild [<project>]`: recompute the statistics rollups from the events table. */
export async function statsCommand(args: string[]): Promise<number> {
  const [sub, projectRef] = args;
  if (sub !== 'rebuild') {
    console.error('usage: herald stats rebuild [<project>]');
    return 1;
  }
  const config = loadApiConfig();
  const db = createDb(config.databaseUrl, { poolSize: 1, pooler: config.databasePooler });
  try {
    const project = projectRef ? await findProject(db, projectRef) : null;
    if (projectRef && !project) {
      console.error(`herald: no project "${projectRef}"`);
      return 1;
    }
    const connection = await pgPool(db).connect();
    try {
      await rebuildStats(connection, project?.id ?? null);
    } finally {
      connection.release();
    }
    console.log(`rebuilt the statistics of ${project ? project.name : 'every project'} from the events kept`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}
