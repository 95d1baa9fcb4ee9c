// The benchmark's recipient MX, in a process of its own so that it never competes with the load
// generator's event loop: an smtp-server that accepts everything, notes when each message arrived and
// checks it is whole and signed, keeps a sample of raw messages for DKIM verification, and answers the
// parent's questions over IPC.
import { SMTPServer } from 'smtp-server';

export interface SinkArrival {
  /** Herald's message id (from the Message-ID header), or '' for a message without one. */
  id: string;
  at: number;
  bytes: number;
  signed: boolean;
  /** The message's closing marker is there: the body arrived whole. */
  whole: boolean;
}

export type SinkRequest = { type: 'arrivals'; since: number } | { type: 'samples' } | { type: 'count' };

const host = process.env.SINK_HOST ?? '127.0.0.1';
const port = Number(process.env.SINK_PORT ?? 2525);
const sampleEvery = Number(process.env.SINK_SAMPLE_EVERY ?? 500);
const arrivals: SinkArrival[] = [];
const samples: string[] = [];

const server = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ['AUTH'],
  size: 64 * 1024 * 1024,
  maxClients: 1_000,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      const head = raw.subarray(0, Math.min(raw.length, 16_384)).toString('latin1');
      const id = /^Message-ID: *<(msg_[0-9A-Za-z]+)@/im.exec(head)?.[1] ?? '';
      const tail = raw.subarray(Math.max(0, raw.length - 4_096)).toString('latin1');
      arrivals.push({ id, at: Date.now(), bytes: raw.length, signed: /^DKIM-Signature:/im.test(head), whole: tail.includes('END-OF-BENCH-MESSAGE') });
      if (arrivals.length % sampleEvery === 1) samples.push(raw.toString('base64'));
      callback(null, 'Ok: queued');
    });
  },
});
server.listen(port, host, () => process.send?.({ type: 'listening' }));

process.on('message', (request: SinkRequest) => {
  if (request.type === 'count') process.send?.({ type: 'count', count: arrivals.length });
  else if (request.type === 'arrivals') process.send?.({ type: 'arrivals', arrivals: arrivals.slice(request.since) });
  else process.send?.({ type: 'samples', samples });
});
process.on('disconnect', () => process.exit(0));
