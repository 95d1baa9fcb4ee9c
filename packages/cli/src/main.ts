import { existsSync } from 'node:fs';
import { ConfigError, HeraldError } from '@herald/core';
import { configCommand } from './commands/config.ts';
import { domainCommand } from './commands/domain.ts';
import { migrateCommand } from './commands/migrate.ts';
import { projectCommand } from './commands/project.ts';
import { startCommand } from './commands/start.ts';
import { statsCommand } from './commands/stats.ts';

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
      return migrateCommand();
    case 'project':
      return projectCommand(rest);
    case 'domain':
      return domainCommand(rest);
    case 'start':
      return startCommand(rest);
    case 'stats':
      return statsCommand(rest);
    case 'config':
      return configCommand();
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
