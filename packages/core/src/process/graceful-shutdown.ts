import type { Log } from '../logger.ts';

/**
 * On the first SIGTERM or SIGINT: log, run `close` (stop taking work, finish what is in flight,
 * disconnect), then exit 0 — or 1 if closing failed or did not finish within `timeoutMs` (whatever was
 * still in flight is then left to be recovered: a delivery job's lock lapses and another worker takes
 * it). Later signals are ignored while closing.
 */
export function onShutdown(log: Log, what: string, close: () => Promise<void>, options: { timeoutMs: number }): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info({ signal, timeoutMs: options.timeoutMs }, `shutting down: ${what}`);
    setTimeout(() => {
      log.error({ timeoutMs: options.timeoutMs }, 'shutdown did not finish in time; exiting with work still in flight');
      process.exit(1);
    }, options.timeoutMs);
    close().then(
      () => {
        log.info('shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
