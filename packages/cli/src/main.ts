import { existsSync } from 'node:fs';
import { ConfigError, HeraldError } from '@herald/core';

// each command's module is imported when it runs: `herald start worker` must not load the ORM that
// `herald project` and `herald stats` use (about 12 MB once imported: packages/core/src/db/orm.ts)
const commands = {
  migrate: () => import('./commands/migrate.ts').then((m) => m.migrateCommand()),
  project: (args: string[]) => import('./commands/project.ts').then((m) => m.projectCommand(args)),
  domain: (args: string[]) => import('./commands/domain.ts').then((m) => m.domainCommand(args)),
  start: (args: string[]) => import('./commands/start.ts').then((m) => m.startCommand(args)),
  stats: (args: string[]) => import('./commands/stats.ts').then((m) => m.statsCommand(args)),
  config: () => import('./commands/config.ts').then((m) => m.configCommand()),
};

const USAGE = `herald — self-hosted email sending

Usage:
  herald migrate                          create the database if needed and apply migrations
  herald project create <name> [--test]   create a project; prints its first API key (shown once)
  herald project list                     list projects
  herald project relay <project> <url>    relay one project's mail through smtp(s)://[user:pass@]host[:port]; "none" to stop
  herald domain add <project> <domain> [--ed25519] [--allow-subdomains]
                                          add a sending domain with a new RSA-2048 DKIM key (and an Ed25519 one);
                                          prints the DNS records to publish
  herald domain verify <project> <domain> look the records up; the domain sends once its DKIM record is found
  herald domain rotate <project> <domain> new DKIM keys, which sign once their records are published and verified
  herald start [api|worker|smtp|inbound|all]  run the API, a worker, the SMTP listener, the inbound MX, or all four (all: migrates first)
  herald stats rebuild [<project>]        recompute the statistics (GET /v1/stats) from the events kept
  herald config                           list every environment variable with its default

<project> is a project id (prj_…) or name. Settings come from the environment and from ./.env.`;

async function run(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const [command, ...rest] = argv;
  switch (command) {
    case 'migrate':
      return commands.migrate();
    case 'project':
      return commands.project(rest);
    case 'domain':
      return commands.domain(rest);
    case 'start':
      return commands.start(rest);
    case 'stats':
      return commands.stats(rest);
    case 'config':
      return commands.config();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}

try {
  const code = await run(process.argv.slice(2));
  if (code !== -1) process.exit(code);
} catch (err) {
  if (err instanceof ConfigError || err instanceof HeraldError) {
    console.error(`herald: ${err.message}`);
  } else {
    console.error('herald:', err);
  }
  process.exit(1);
}
