import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadApiConfig, migrate, migrationDatabaseUrl } from '@herald/core';
import { fixHeapGrowing } from '../heap-growing.ts';
import { recommendedProcessEnv } from '../process-env.ts';

const BIN = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));

/**
 * `herald start api`, `herald start worker`, `herald start smtp` and `herald start inbound` (the
 * bounce host's MX) run one process each (scale by running more). `herald start all` applies
 * migrations, then runs the API, one worker, the SMTP listener and the inbound MX as child processes (in the recommended environment, see process-env.ts), passes
 * SIGTERM/SIGINT on, and exits when all have exited. The children get the options Node was started
 * with, as cluster processes do (`node --heap-growing-percent=0 … start all` reaches all four). Every
 * process fixes V8's heap-growing factor first (heap-growing.ts).
 */
export async function startCommand(args: string[]): Promise<number> {
  const what = args[0] ?? 'all';
  fixHeapGrowing();
  switch (what) {
    case 'api': {
      const { startApi } = await import('@herald/api/processes');
      await startApi();
      return -1;
    }
    case 'worker': {
      const { main } = await import('@herald/worker');
      await main();
      return -1;
    }
    case 'smtp': {
      const { main } = await import('@herald/smtp');
      await main();
      return -1;
    }
    case 'inbound': {
      const { inboundMain } = await import('@herald/smtp');
      await inboundMain();
      return -1;
    }
    case 'all':
      return startAll();
    default:
      console.error('usage: herald start [api|worker|smtp|inbound|all]');
      return 1;
  }
}

async function startAll(): Promise<number> {
  const result = await migrate(migrationDatabaseUrl(loadApiConfig()));
  if (result.applied.length > 0) console.log(`applied migrations: ${result.applied.join(', ')}`);
  const children: ChildProcess[] = (['api', 'worker', 'smtp', 'inbound'] as const).map((role) =>
    spawn(process.execPath, [...process.execArgv, BIN, 'start', role], { stdio: 'inherit', env: recommendedProcessEnv(process.env, role) }),
  );
  const stop = (signal: NodeJS.Signals) => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const codes = await Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve) => {
          child.on('exit', (code) => {
            // one process ending takes the other down: `all` is one service to its supervisor
            stop('SIGTERM');
            resolve(code ?? 1);
          });
        }),
    ),
  );
  return Math.max(...codes);
}
