import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

export const HERALD_BIN = fileURLToPath(new URL('../../packages/cli/bin/herald.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface HeraldProcess {
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `herald <args>` to completion, as a user would. */
export async function runHerald(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [HERALD_BIN, ...args], { env, cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}

/**
 * Starts `herald start api|worker|smtp|inbound` as its own OS process, the way the README starts
 * Herald, and waits until it is ready: the API answers /healthz; the worker answers on its probe port
 * when it has one; the others (and a worker without one) have logged that they started.
 */
export async function startHerald(role: 'api' | 'worker' | 'smtp' | 'inbound', env: NodeJS.ProcessEnv): Promise<HeraldProcess> {
  // BENCH_NODE_ARGS: extra options for Node itself (say --cpu-prof), which NODE_OPTIONS may not carry
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, HERALD_BIN, 'start', role], { env, cwd: ROOT });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  await waitFor(`herald ${role} to start`, async () => {
    if (dead) throw new Error(`herald ${role} exited:\n${output}`);
    const probePort = Number(env.HERALD_WORKER_HEALTH_PORT ?? 0);
    if (role === 'worker' && probePort) return (await fetch(`http://127.0.0.1:${probePort}/healthz`).catch(() => null))?.ok ?? false;
    if (role === 'worker') return output.includes('"msg":"worker started"');
    if (role === 'smtp') return output.includes('"msg":"smtp listener started"');
    if (role === 'inbound') return output.includes('"msg":"inbound MX started"');
    const response = await fetch(`http://127.0.0.1:${env.HERALD_API_PORT}/healthz`).catch(() => null);
    return response?.ok ?? false;
    // HERALD_TEST_START_TIMEOUT_MS: a longer wait on a machine busy with other work
  }, Number(process.env.HERALD_TEST_START_TIMEOUT_MS ?? 30_000));
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (!dead) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
