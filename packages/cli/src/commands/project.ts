import { createProject, loadApiConfig, seal } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { withProject } from '../with-project.ts';

const USAGE = 'usage: herald project create <name> [--test] | herald project list | herald project relay <project> <smtp://…|smtps://…|none>';

export async function projectCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'relay') return relayCommand(rest);
  if (sub === 'list') return listCommand();
  if (sub !== 'create') {
    console.error(USAGE);
    return 1;
  }
  const test = rest.includes('--test');
  const name = rest.filter((a) => a !== '--test').join(' ');
  if (!name) {
    console.error('usage: herald project create <name> [--test]');
    return 1;
  }
  const config = loadApiConfig();
  const db = createDb(config.databaseUrl, { poolSize: 1, pooler: config.databasePooler });
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

/** Sets (sealed: the URL may hold credentials) or clears the smart host of one project's mail. */
async function relayCommand(args: string[]): Promise<number> {
  const [projectRef, url] = args;
  if (!projectRef || !url || (url !== 'none' && !/^smtps?:\/\/[^/?#]+\/?$/.test(url))) {
    console.error(USAGE);
    return 1;
  }
  return withProject(projectRef, async ({ db, project, masterKey }) => {
    const sealed = url === 'none' ? null : seal(url, masterKey());
    await db.project.update({ where: { id: project.id }, data: { relayUrlEncrypted: sealed } });
    console.log(
      url === 'none' ? `project ${project.name}: mail goes to the recipients' MX hosts` : `project ${project.name}: mail is relayed through ${new URL(url).host}`,
    );
    return 0;
  });
}

async function listCommand(): Promise<number> {
  const config = loadApiConfig();
  const db = createDb(config.databaseUrl, { poolSize: 1, pooler: config.databasePooler });
  try {
    const projects = await db.project.findMany({ orderBy: { createdAt: 'asc' }, include: { _count: { select: { domains: true, apiKeys: true } } } });
    for (const p of projects) {
      console.log(`${p.id}  ${p.name}${p.testMode ? '  (test mode)' : ''}  ${p._count.domains} domain(s), ${p._count.apiKeys} key(s)`);
    }
    if (projects.length === 0) console.log('no projects yet: herald project create <name>');
    return 0;
  } finally {
    await db.$disconnect();
  }
}
