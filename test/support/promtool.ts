import { spawn } from 'node:child_process';

const INSTALL = 'install the Debian package `prometheus` (apt-get install -y --no-install-recommends prometheus), which ships promtool';

/**
 * Runs Prometheus' `promtool` with `args` (and `input` on its standard input). A machine without
 * promtool fails the test that asked, saying how to install it: the checks it makes are never skipped.
 */
export async function promtool(args: string[], input?: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.env.HERALD_TEST_PROMTOOL ?? 'promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const result = new Promise<number | null>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error(`promtool is not installed: ${INSTALL}`) : err),
    );
    child.on('exit', (code) => resolve(code));
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input ?? '');
  const code = await result;
  return { code, output };
}

/** One sample of a scrape: the value of `name` with (at least) these labels, or undefined. */
export function sampleValue(scrape: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of scrape.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Map([...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] as string, m[2] as string]));
    if (Object.entries(labels).every(([key, value]) => have.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}
