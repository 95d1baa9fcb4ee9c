import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { createLogger, joinClusterMetrics, loadApiConfig, serveClusterMetrics } from '@herald/core';
import { main } from './main.ts';

/**
 * `herald start api`: one API process, or HERALD_API_PROCESSES of them sharing the port (Node's
 * cluster: the first process hands connections to the others, which each run the whole API). The
 * first passes SIGTERM/SIGINT on and exits once all have drained; if one API process ends on its own,
 * the others are stopped too, so that a supervisor sees one service fail and restarts it. An API
 * process whose first process vanished (killed) shuts down as on SIGTERM.
 */
export async function startApi(): Promise<void> {
  if (!cluster.isPrimary) {
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    joinClusterMetrics();
    return main();
  }
  const config = loadApiConfig();
  const count = config.processes === 0 ? availableParallelism() : config.processes;
  if (count <= 1) return main();

  const log = createLogger('herald-api', config.logLevel);
  const children: Worker[] = Array.from({ length: count }, () => cluster.fork());
  // a scrape of the shared port answers every API process's metrics together
  serveClusterMetrics();
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children) if (child.process.exitCode === null && !child.process.killed) child.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  log.info({ processes: count, port: config.port }, 'API processes started');
  const codes = await Promise.all(
    children.map(
      (child) =>
        new Promise<number>((resolve) => {
          child.on('exit', (code, signal) => {
            if (!stopping) {
              log.error({ pid: child.process.pid, code, signal }, 'an API process ended; stopping the others');
              stop('SIGTERM');
            }
            resolve(code ?? 1);
          });
        }),
    ),
  );
  process.exit(Math.max(...codes));
}
