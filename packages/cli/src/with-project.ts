import { findProject, loadApiConfig, resolveMasterKey, type ApiConfig, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';

export interface ProjectContext {
  db: Db;
  config: ApiConfig;
  project: { id: string; name: string };
  /** The master key (generated into HERALD_DATA_DIR in development, with a warning). */
  masterKey: () => Buffer;
}

/** Runs a command against one project, named by id or name; exit code 1 when there is no such project. */
export async function withProject(projectRef: string, run: (context: ProjectContext) => Promise<number>): Promise<number> {
  const config = loadApiConfig();
  const db = createDb(config.databaseUrl, { poolSize: 1, pooler: config.databasePooler });
  try {
    const project = await findProject(db, projectRef);
    if (!project) {
      console.error(`herald: no project "${projectRef}"`);
      return 1;
    }
    const masterKey = () => resolveMasterKey(config, { warn: (_obj: unknown, msg?: string) => console.error(`warning: ${msg}`) });
    return await run({ db, config, project, masterKey });
  } finally {
    await db.$disconnect();
  }
}
