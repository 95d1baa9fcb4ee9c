import { connect } from 'node:net';
import { dotStuff } from '../apps/worker/src/smtp/dot-stuff.ts';
import type { Sink } from './sink-client.ts';

/**
 * What the sink itself can take: the same message sent over `connections` plain SMTP connections by a
 * minimal client on raw sockets (MAIL, RCPT and DATA pipelined, then the message), so that the
 * client's own cost stays small. Messages per second, from the first command to the last arrival.
 */
export async function measureSinkCapacity(sink: Sink, raw: Buffer, options: { messages: number; connections: number }): Promise<number> {
  const since = await sink.count();
  const started = performance.now();
  const data = Buffer.concat(dotStuff(raw)); // dot-stuffed and ended as Herald's SMTP client does
  const per = Math.ceil(options.messages / options.connections);
  await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect(sink.port, sink.host);
          let left = per;
          let pending = '';
          let stage: 'greeting' | 'ehlo' | 'envelope' | 'data' = 'greeting';
          const transaction = () => socket.write('MAIL FROM:<bounces@shop.bench.example>\r\nRCPT TO:<user@r0.bench.test>\r\nDATA\r\n');
          socket.on('error', reject);
          socket.on('data', (chunk: Buffer) => {
            pending += chunk.toString('latin1');
            for (let eol = pending.indexOf('\r\n'); eol >= 0; eol = pending.indexOf('\r\n')) {
              const line = pending.slice(0, eol);
              pending = pending.slice(eol + 2);
              if (/^[45]/.test(line)) return reject(new Error(`the sink answered ${line}`));
              if (stage === 'greeting') {
                stage = 'ehlo';
                socket.write('EHLO bench.client\r\n');
              } else if (stage === 'ehlo' && line.startsWith('250 ')) {
                stage = 'envelope';
                transaction();
              } else if (stage === 'envelope' && line.startsWith('354')) {
                stage = 'data';
                socket.write(data);
              } else if (stage === 'data' && line.startsWith('250')) {
                if (--left === 0) return void socket.end('QUIT\r\n', () => resolve());
                stage = 'envelope';
                transaction();
              }
            }
          });
        }),
    ),
  );
  while ((await sink.count()) - since < per * options.connections) await new Promise((resolve) => setTimeout(resolve, 20));
  return Math.round((per * options.connections) / ((performance.now() - started) / 1_000));
}
