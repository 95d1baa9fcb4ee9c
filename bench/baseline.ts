import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sink } from './sink-client.ts';

/**
 * The sink's own capacity: the same signed message blasted at it over pooled nodemailer transports
 * (as many connections in all as Herald may open), with nothing in between. One nodemailer process
 * cannot keep the sink busy (its client costs more CPU per message than the sink), so the blast comes
 * from `processes` of them. Messages per second, from the first send to the last arrival.
 */
export async function measureSinkBaseline(sink: Sink, raw: Buffer, options: { messages: number; connections: number; processes: number }): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-baseline-'));
  const file = join(dir, 'message.eml');
  writeFileSync(file, raw);
  try {
    const since = await sink.count();
    const started = performance.now();
    const per = Math.ceil(options.messages / options.processes);
    await Promise.all(
      Array.from({ length: options.processes }, () => {
        const child = fork(fileURLToPath(new URL('./baseline-client.ts', import.meta.url)), [], {
          execArgv: ['--import', 'tsx'],
          env: {
            ...process.env,
            BASELINE_MESSAGE: file,
            BASELINE_COUNT: String(per),
            BASELINE_CONNECTIONS: String(Math.ceil(options.connections / options.processes)),
            BASELINE_HOST: sink.host,
            BASELINE_PORT: String(sink.port),
          },
        });
        return new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a baseline client exited with ${code}`)))));
      }),
    );
    while ((await sink.count()) - since < per * options.processes) await new Promise((resolve) => setTimeout(resolve, 50));
    return Math.round((per * options.processes) / ((performance.now() - started) / 1_000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
