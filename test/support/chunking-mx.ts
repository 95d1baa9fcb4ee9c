import { createServer, type Server, type Socket } from 'node:net';

/** A reply the chunking MX gives, or 'hang' for none at all. */
export type ChunkingReply = { code: number; message: string } | 'hang';

export interface ChunkingMx {
  host: string;
  port: number;
  /** Each transaction's envelope and message, as received (BDAT chunks joined). */
  received: { mailFrom: string; rcptTo: string[]; raw: Buffer }[];
  close(): Promise<void>;
}

/**
 * A scripted MX on raw sockets that offers PIPELINING and CHUNKING (RFC 3030) and no DATA-only
 * shortcuts, for the worker's BDAT transactions: the tests' smtp-server MX offers no CHUNKING. Each
 * RCPT is answered by `rcpt` (250 by default), the last chunk by `bdat` (250 by default, or 'hang':
 * no answer, for timeouts). The chunk is read whatever was answered before it, as RFC 3030 requires.
 */
export async function startChunkingMx(host: string, behaviour: { rcpt?: (address: string) => ChunkingReply; bdat?: () => ChunkingReply } = {}): Promise<ChunkingMx> {
  const received: ChunkingMx['received'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let envelope = { mailFrom: '', rcptTo: [] as string[] };
    let chunk: { left: number; parts: Buffer[] } | null = null;
    const answer = (reply: ChunkingReply) => {
      if (reply !== 'hang') socket.write(`${reply.code} ${reply.message}\r\n`);
    };
    socket.write('220 chunking.test ESMTP\r\n');
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (chunk) {
          const take = Math.min(chunk.left, buffer.length);
          chunk.parts.push(buffer.subarray(0, take));
          buffer = buffer.subarray(take);
          chunk.left -= take;
          if (chunk.left > 0) return;
          if (envelope.rcptTo.length > 0) received.push({ ...envelope, raw: Buffer.concat(chunk.parts) });
          answer(envelope.rcptTo.length > 0 ? (behaviour.bdat?.() ?? { code: 250, message: '2.0.0 queued' }) : { code: 554, message: '5.5.1 no valid recipients' });
          chunk = null;
          envelope = { mailFrom: '', rcptTo: [] };
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.toString('utf8', 0, eol);
        buffer = buffer.subarray(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-chunking.test\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') {
          envelope = { mailFrom: /<([^>]*)>/.exec(line)?.[1] ?? '', rcptTo: [] };
          answer({ code: 250, message: '2.1.0 ok' });
        } else if (verb === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          const reply = behaviour.rcpt?.(address) ?? { code: 250, message: '2.1.5 ok' };
          if (reply !== 'hang' && reply.code < 300) envelope.rcptTo.push(address);
          answer(reply);
        } else if (verb === 'BDAT') chunk = { left: Number(line.split(' ')[1]), parts: [] };
        else if (verb === 'RSET') {
          envelope = { mailFrom: '', rcptTo: [] };
          answer({ code: 250, message: '2.0.0 ok' });
        } else if (verb === 'QUIT') socket.end('221 2.0.0 bye\r\n');
        else answer({ code: 502, message: '5.5.2 not here' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
