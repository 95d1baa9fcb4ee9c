import type { Sink } from './sink-client.ts';
import { submitMessages } from './smtp-submit.ts';

/**
 * What the sink itself can take: the same message sent over `connections` plain SMTP connections by
 * the bench's minimal client on raw sockets (smtp-submit.ts: MAIL, RCPT and DATA pipelined, then the
 * message, dot-stuffed as Herald's SMTP client does), so that the client's own cost stays small.
 * Messages per second, from the first command to the last arrival.
 */
export async function measureSinkCapacity(sink: Sink, raw: Buffer, options: { messages: number; connections: number }): Promise<number> {
  const since = await sink.count();
  const started = performance.now();
  const message = { from: 'bounces@shop.bench.example', to: 'user@r0.bench.test', raw };
  await submitMessages(sink, new Array<typeof message>(options.messages).fill(message), options.connections);
  while ((await sink.count()) - since < options.messages) await new Promise((resolve) => setTimeout(resolve, 20));
  return Math.round(options.messages / ((performance.now() - started) / 1_000));
}
