import { connect, type Socket } from 'node:net';
import type { AcceptTarget } from './accept.ts';
import { message } from './messages.ts';
import { percentile, roundTenth } from './percentile.ts';

export interface OpenLoopResult {
  offered: number;
  /** Requests answered 202 per second. */
  rps: number;
  /** From each request's scheduled time to its whole answer, in ms. */
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** Requests this generator sent more than 1 ms after their scheduled time (its own lag; counted in the latencies all the same). */
  late: number;
}

/**
 * POST /v1/messages at a steady offered rate, open loop: request i is due at start + i / rate and is
 * sent then whether or not earlier ones have been answered (over as many keep-alive connections as
 * that takes), and its latency counts from when it was due, so a stall in the server is charged to
 * every request it delays. (autocannon's `overallRate` is a budget per connection per second: each of
 * its connections sends its share back to back at the top of every second and then waits, so what it
 * measures at "1,000 requests/s" is a burst at full concurrency every second.)
 */
export async function measureOpenLoop(target: AcceptTarget, options: { rate: number; seconds: number; first: number }): Promise<OpenLoopResult> {
  const total = Math.round(options.rate * options.seconds);
  const url = new URL('/v1/messages', target.apiUrl);
  // whole requests (head and body) made before the clock starts, so that making them costs the schedule nothing
  const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${target.apiKey}\r\nContent-Type: application/json\r\n`;
  const requests = Array.from({ length: total }, (_, i) => {
    const body = Buffer.from(JSON.stringify(message(target.from, options.first + i)));
    return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`), body]);
  });
  const pool = new ConnectionPool(url.hostname, Number(url.port));
  const latencies: number[] = [];
  let errors = 0;
  let late = 0;
  const answered: Promise<void>[] = [];
  const send = async (request: Buffer, due: number) => {
    const status = await pool.exchange(request);
    if (status === 202) latencies.push(performance.now() - due);
    else errors++;
  };
  const interval = 1_000 / options.rate;
  const start = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    // every request now due goes out; then sleep until the next is
    for (; i < total && start + i * interval <= now; i++) {
      const due = start + i * interval;
      if (now - due > 1) late++;
      answered.push(send(requests[i] as Buffer, due));
    }
    if (i < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * interval - performance.now())));
  }
  await Promise.all(answered);
  const seconds = (performance.now() - start) / 1_000;
  pool.close();
  latencies.sort((a, b) => a - b);
  return {
    offered: options.rate,
    rps: Math.round(latencies.length / seconds),
    p50: roundTenth(percentile(latencies, 50)),
    p99: roundTenth(percentile(latencies, 99)),
    max: roundTenth(latencies[latencies.length - 1] ?? 0),
    errors,
    late,
  };
}

/**
 * Keep-alive HTTP/1.1 connections, one request at a time on each (a new one when all are busy), the
 * answer read as far as its status and Content-Length: the least a client can do, so that the load
 * generator, on the same two cores as Herald, takes as little of them as it can (node:http's client
 * cost 221–262 µs of CPU a request here, a third of what the API spent; this one 157–171).
 */
class ConnectionPool {
  private idle: Socket[] = [];
  private all = new Set<Socket>();

  constructor(
    private host: string,
    private port: number,
  ) {}

  /** Sends one whole request and answers its response's status (0 when the connection failed). */
  exchange(request: Buffer): Promise<number> {
    return new Promise((resolve) => {
      const socket = this.idle.pop() ?? this.open();
      let received: Buffer = Buffer.alloc(0);
      const done = (status: number) => {
        socket.off('data', onData);
        socket.off('close', onClose);
        if (status > 0) this.idle.push(socket);
        resolve(status);
      };
      const onData = (chunk: Buffer) => {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received.toString('latin1', 0, end))?.[1] ?? NaN);
        if (Number.isNaN(length)) {
          socket.destroy();
          return done(0);
        }
        if (received.length >= end + 4 + length) done(Number(received.toString('latin1', 9, 12)));
      };
      const onClose = () => {
        this.all.delete(socket);
        this.idle = this.idle.filter((s) => s !== socket);
        done(0);
      };
      socket.on('data', onData);
      socket.on('close', onClose);
      socket.write(request);
    });
  }

  close(): void {
    for (const socket of this.all) socket.destroy();
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('error', () => socket.destroy());
    this.all.add(socket);
    return socket;
  }
}
