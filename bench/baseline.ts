import nodemailer from 'nodemailer';
import type { Sink } from './sink-client.ts';

/**
 * The sink's own capacity: the same signed message blasted at it over a pooled nodemailer transport
 * (as many connections as Herald may open), with nothing in between. Messages per second.
 */
export async function measureSinkBaseline(sink: Sink, raw: Buffer, options: { messages: number; connections: number }): Promise<number> {
  const transport = nodemailer.createTransport({
    host: sink.host,
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: options.connections,
    maxMessages: Infinity,
  });
  const since = await sink.count();
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < options.messages) {
      const i = next++;
      await transport.sendMail({ envelope: { from: 'bounces@shop.bench.example', to: [`user${i}@r0.bench.test`] }, raw });
    }
  };
  await Promise.all(Array.from({ length: options.connections * 2 }, lane));
  while ((await sink.count()) - since < options.messages) await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (performance.now() - started) / 1_000;
  transport.close();
  return Math.round(options.messages / seconds);
}
