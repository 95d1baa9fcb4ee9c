// The benchmark's recipient MX, in a process of its own so that it never competes with the load
// generator's event loop. A lean SMTP server on raw sockets — EHLO, PIPELINING, CHUNKING (BDAT, as the
// large mailbox providers offer it), SIZE, 8BITMIME, STARTTLS, MAIL, RCPT, DATA, RSET, NOOP, QUIT —
// that accepts everything (SINK_CHUNKING=off leaves CHUNKING out), notes when each message
// arrived and checks it is whole and signed, keeps a sample of raw messages for DKIM verification,
// counts the connections open at once to each of its addresses (SINK_HOST, and SINK_ONE_HOST for the
// one destination), and answers the parent's questions over IPC. smtp-server (the tests' MX) spends several times more CPU
// per message, and on the benchmark's two cores whatever the sink spends Herald cannot.
import { createServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { createTestCa } from '@herald/test/support/test-ca.ts';

export interface SinkArrival {
  /** Herald's message id (from the Message-ID header), or '' for a message without one. */
  id: string;
  at: number;
  bytes: number;
  signed: boolean;
  /** The message's closing marker is there: the body arrived whole. */
  whole: boolean;
}

export type SinkRequest = { type: 'arrivals'; since: number } | { type: 'samples' } | { type: 'count' } | { type: 'peak'; host: string };

const host = process.env.SINK_HOST ?? '127.0.0.1';
/** A second address, the one destination's MX: its connections are counted apart from the ten's. */
const oneHost = process.env.SINK_ONE_HOST;
const port = Number(process.env.SINK_PORT ?? 2525);
const sampleEvery = Number(process.env.SINK_SAMPLE_EVERY ?? 500);
const chunking = process.env.SINK_CHUNKING !== 'off';
const MAX_SIZE = 64 * 1024 * 1024;
const arrivals: SinkArrival[] = [];
const samples: string[] = [];

const ca = createTestCa('Herald bench sink');
const leaf = ca.issue([`mx.${host}`, host, ...(oneHost ? [`mx.${oneHost}`, oneHost] : [])]);
const secureContext = createSecureContext({ key: leaf.keyPem, cert: leaf.certPem });
const END_OF_DATA = Buffer.from('\r\n.\r\n');

function note(raw: Buffer, dotStuffed = true): void {
  const head = raw.toString('latin1', 0, Math.min(raw.length, 16_384));
  const id = /^Message-ID: *<(msg_[0-9A-Za-z]+)@/im.exec(head)?.[1] ?? '';
  const tail = raw.toString('latin1', Math.max(0, raw.length - 4_096));
  arrivals.push({ id, at: Date.now(), bytes: raw.length, signed: /^DKIM-Signature:/im.test(head), whole: tail.includes('END-OF-BENCH-MESSAGE') });
  // the sample is the message as the client meant it: dot-stuffing undone
  if (arrivals.length % sampleEvery === 1) samples.push(dotStuffed ? Buffer.from(raw.toString('latin1').replace(/\r\n\.\./g, '\r\n.').replace(/^\.\./, '.'), 'latin1').toString('base64') : raw.toString('base64'));
}

/** One SMTP session: commands are read line by line (pipelined ones too); the replies to one read go out in one write. */
function session(socket: Socket, ended: () => void): void {
  let buffer: Buffer = Buffer.alloc(0);
  let data: Buffer[] | null = null;
  let dataBytes = 0;
  // a BDAT chunk being read: the octets still to come, and whether it is the last
  let bdat: { left: number; last: boolean } | null = null;
  let chunks: Buffer[] = [];
  let out = '';
  socket.on('error', () => undefined);
  socket.setNoDelay(true);

  const onData = (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      if (bdat) {
        const take = Math.min(bdat.left, buffer.length);
        if (take > 0) chunks.push(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        bdat.left -= take;
        if (bdat.left > 0) break;
        if (bdat.last) {
          // as it was sent: no dot-stuffing to undo
          note(Buffer.concat(chunks), false);
          chunks = [];
        }
        out += bdat.last ? '250 2.0.0 Ok: queued\r\n' : '250 2.0.0 Ok: chunk received\r\n';
        bdat = null;
        continue;
      }
      if (data) {
        // the empty message: "." alone on the first line
        if (data.length === 0 && buffer.length >= 3 && buffer.toString('latin1', 0, 3) === '.\r\n') buffer = Buffer.concat([Buffer.from('\r\n'), buffer]);
        // the end of the data may straddle two reads: what might be its start is kept for the next read
        const end = buffer.indexOf(END_OF_DATA);
        if (end < 0) {
          const keep = Math.min(buffer.length, END_OF_DATA.length - 1);
          if (buffer.length > keep) data.push(buffer.subarray(0, buffer.length - keep));
          dataBytes += buffer.length - keep;
          buffer = buffer.subarray(buffer.length - keep);
          if (dataBytes > MAX_SIZE) return void socket.destroy();
          break;
        }
        data.push(buffer.subarray(0, end + 2));
        buffer = buffer.subarray(end + END_OF_DATA.length);
        note(Buffer.concat(data));
        data = null;
        out += '250 2.0.0 Ok: queued\r\n';
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) break;
      const line = buffer.toString('latin1', 0, eol);
      buffer = buffer.subarray(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') out += `250-${host}\r\n250-PIPELINING\r\n${chunking ? '250-CHUNKING\r\n' : ''}250-8BITMIME\r\n250-SIZE ${MAX_SIZE}\r\n${socket instanceof TLSSocket ? '' : '250-STARTTLS\r\n'}250 SMTPUTF8\r\n`;
      else if (verb === 'HELO') out += `250 ${host}\r\n`;
      else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') out += '250 2.0.0 Ok\r\n';
      else if (verb === 'BDAT' && chunking) {
        const [, size = '', last = ''] = line.split(' ');
        bdat = { left: Number(size), last: last.toUpperCase() === 'LAST' };
        if (!Number.isInteger(bdat.left) || bdat.left < 0 || bdat.left > MAX_SIZE) return void socket.destroy();
      } else if (verb === 'DATA') {
        out += '354 End data with <CR><LF>.<CR><LF>\r\n';
        data = [];
        dataBytes = 0;
      } else if (verb === 'QUIT') {
        ended();
        socket.end(`${out}221 2.0.0 Bye\r\n`);
        return;
      } else if (verb === 'STAR' && !(socket instanceof TLSSocket)) {
        socket.write(`${out}220 2.0.0 Ready to start TLS\r\n`);
        out = '';
        socket.off('data', onData);
        // anything pipelined after STARTTLS is discarded (RFC 3207 §4.2)
        const secure = new TLSSocket(socket, { isServer: true, secureContext });
        session(secure, ended);
        return;
      } else out += '502 5.5.2 Command not recognised\r\n';
    }
    if (out) {
      socket.write(out);
      out = '';
    }
  };
  socket.on('data', onData);
}

// connections open at once to each address: the most since the last 'peak' request for it (a
// destination's limit shows here, whatever the connections to the other address do meanwhile)
const open = new Map<string, number>();
const peak = new Map<string, number>();

const accept = (address: string) => (socket: Socket) => {
  open.set(address, (open.get(address) ?? 0) + 1);
  peak.set(address, Math.max(peak.get(address) ?? 0, open.get(address) ?? 0));
  // a connection ends for the count when the client says QUIT or closes its side, whichever comes first
  let counted = true;
  const ended = () => {
    if (counted) open.set(address, (open.get(address) ?? 1) - 1);
    counted = false;
  };
  socket.once('end', ended);
  socket.once('close', ended);
  socket.write(`220 ${host} ESMTP bench sink\r\n`);
  session(socket, ended);
};
const addresses = [host, ...(oneHost ? [oneHost] : [])];
let listening = 0;
for (const address of addresses) {
  const server = createServer(accept(address));
  server.maxConnections = 1_000;
  server.listen(port, address, () => {
    if (++listening === addresses.length) process.send?.({ type: 'listening' });
  });
}

process.on('message', (request: SinkRequest) => {
  if (request.type === 'count') process.send?.({ type: 'count', count: arrivals.length });
  else if (request.type === 'arrivals') process.send?.({ type: 'arrivals', arrivals: arrivals.slice(request.since) });
  else if (request.type === 'peak') {
    process.send?.({ type: 'peak', peak: peak.get(request.host) ?? 0 });
    peak.set(request.host, open.get(request.host) ?? 0);
  }
  else process.send?.({ type: 'samples', samples });
});
process.on('disconnect', () => process.exit(0));
