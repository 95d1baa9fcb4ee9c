import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { heraldEnv, uniquePrefix } from '../support/env.ts';
import { freePort, HERALD_BIN } from '../support/herald-process.ts';
import { commandLine, withDescendants } from '../support/proc.ts';
import { throwawayDatabase } from '../support/throwaway-database.ts';
import { waitFor } from '../support/wait-for.ts';

/** `npm start` is `herald start all`: on a database that does not exist yet, as on a fresh machine. */
describe('herald start all', () => {
  const db = throwawayDatabase('start_all');
  afterAll(() => db.drop());

  it('creates and migrates the database, runs the API, a worker, the SMTP listener and the inbound MX (with the options Node was started with), and stops them cleanly on SIGTERM', async () => {
    const [port, smtpPort, smtpsPort, healthPort, inboundPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    // an option given to Node (here: V8's own heap-growing factor kept) reaches every process it starts
    const child = spawn(process.execPath, ['--heap-growing-percent=0', HERALD_BIN, 'start', 'all'], {
      env: heraldEnv({
        DATABASE_URL: db.url,
        HERALD_API_PORT: port,
        HERALD_SMTP_PORT: smtpPort,
        HERALD_SMTPS_PORT: smtpsPort,
        HERALD_WORKER_HEALTH_PORT: healthPort,
        HERALD_INBOUND_PORT: inboundPort,
        HERALD_QUEUE_PREFIX: uniquePrefix('all'),
      }),
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    try {
      const ready = await waitFor('the API to be ready', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        return response?.status === 200 ? ((await response.json()) as { checks: Record<string, string> }) : null;
      }, 40_000);
      expect(ready.checks).toEqual({ postgres: 'ok', redis: 'ok', migrations: 'ok' });
      await waitFor('the worker to start', () => output.includes('"msg":"worker started"'), 20_000);
      const worker = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      expect(worker.status).toBe(200);
      expect(await worker.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
      expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
      await waitFor('the SMTP listener to start', () => output.includes('"msg":"smtp listener started"'), 20_000);
      await waitFor('the inbound MX to start', () => output.includes('"msg":"inbound MX started"'), 20_000);
      expect(output).toContain('applied migrations: 20261128000000_init');
      expect(await db.exists()).toBe(true);
      const started = withDescendants(child.pid as number).slice(1).map(commandLine).filter((args) => args.includes('start'));
      expect(started.map((args) => args[args.length - 1]).sort()).toEqual(['api', 'inbound', 'smtp', 'worker']);
      for (const args of started) expect(args).toContain('--heap-growing-percent=0');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down: draining in-flight requests');
    expect(output).toContain('shutting down: finishing in-flight deliveries');
    expect(output).toContain('shutting down: closing SMTP sessions');
    expect(output).toContain('shutting down: closing inbound SMTP sessions');
  }, 60_000);
});
