import type { Log } from '../logger.ts';

/**
 * On the first SIGTERM or SIGINT: log, run `close` (stop taking work, finish what is in flight,
 * disconnect), then exit 0 — or 1 if closing failed. Later signals are ignored while closing.
 */
export function onShutdown(log: Log, what: string, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, `shutting down: ${what}`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
