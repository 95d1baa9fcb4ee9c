import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@herald/test/support/wait-for.ts';

const CHILD = fileURLToPath(import.meta.resolve('@herald/test/fixtures/shutdown-child.ts'));

/** A real process receiving a real SIGTERM. */
async function terminate(env: Record<string, string>): Promise<{ code: number | null; elapsedMs: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitFor('the child to start', () => output.includes('ready'), 15_000);
  const started = Date.now();
  child.kill('SIGTERM');
  const code = await exited;
  return { code, elapsedMs: Date.now() - started, output };
}

describe('onShutdown', () => {
  it('exits 0 once the work in flight is finished', async () => {
    const { code, elapsedMs, output } = await terminate({ CLOSE_MS: '300', TIMEOUT_MS: '5000' });
    expect(code).toBe(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(300);
    expect(output).toContain('shutting down: test work');
    expect(output).toContain('shut down cleanly');
  });

  it('exits 1 at the bound when the work does not finish', async () => {
    const { code, elapsedMs, output } = await terminate({ CLOSE_MS: 'never', TIMEOUT_MS: '800' });
    expect(code).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(800);
    expect(elapsedMs).toBeLessThan(5_000);
    expect(output).toContain('shutdown did not finish in time');
  });
});
