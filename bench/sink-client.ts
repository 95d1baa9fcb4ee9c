import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SinkArrival, SinkRequest } from './sink.ts';

export interface Sink {
  /** The address of the ten recipient domains' MX hosts. */
  host: string;
  /** The address of the one destination's MX host: its connections are counted apart (peakConnections). */
  oneHost: string;
  port: number;
  pid: number;
  count(): Promise<number>;
  /** Arrivals from index `since` on. */
  arrivals(since?: number): Promise<SinkArrival[]>;
  /**
   * The most connections open at once to this address (host or oneHost) since the last call for it
   * (then counted again from those open now).
   */
  peakConnections(host: string): Promise<number>;
  /** Raw messages kept as samples (every Nth). */
  samples(): Promise<Buffer[]>;
  stop(): Promise<void>;
}

/** Starts bench/sink.ts as a child process listening on host:port and oneHost:port. */
export async function startSink(host: string, oneHost: string, port: number): Promise<Sink> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./sink.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SINK_HOST: host, SINK_ONE_HOST: oneHost, SINK_PORT: String(port) },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the sink exited (${code})`)));
  });
  let queue = Promise.resolve<unknown>(undefined);
  const ask = <T>(request: SinkRequest): Promise<T> => {
    const answer = queue.then(() => new Promise<T>((resolve) => {
      child.once('message', (message) => resolve(message as T));
      child.send(request);
    }));
    queue = answer.catch(() => undefined);
    return answer;
  };
  return {
    host,
    oneHost,
    port,
    pid: child.pid as number,
    count: async () => (await ask<{ count: number }>({ type: 'count' })).count,
    arrivals: async (since = 0) => (await ask<{ arrivals: SinkArrival[] }>({ type: 'arrivals', since })).arrivals,
    peakConnections: async (address) => (await ask<{ peak: number }>({ type: 'peak', host: address })).peak,
    samples: async () => (await ask<{ samples: string[] }>({ type: 'samples' })).samples.map((s) => Buffer.from(s, 'base64')),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
