import { createDb, createProject, loadApiConfig } from '@herald/core';

export async function projectCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') {
    console.error('usage: herald project create <name> [--test]');
    return 1;
  }
  const test = rest.includes('--test');
  const name = rest.filter((a) => a !== '--test').join(' ');
  if (!name) {
    console.error('usage: herald project create <name> [--test]');
    return 1;
  }
  const db = createDb(loadApiConfig().databaseUrl, { poolSize: 1 });
  try {
    const created = await createProject(db, name, { testMode: test });
    console.log(`project ${created.project.id} "${created.project.name}" created${test ? ' (test mode)' : ''}`);
    console.log('API key (full access; shown once, store it now):');
    console.log(`  ${created.apiKey.key}`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}
