import { connect } from 'node:net';
import { dotStuff } from '../apps/worker/src/smtp/dot-stuff.ts';

export interface Submission {
  from: string;
  to: string;
  raw: Buffer;
}

/**
 * Hands `messages` to an SMTP server as fast as it takes them: `connections` sessions on raw sockets,
 * each taking the next message from one shared list until none is left, with MAIL, RCPT and DATA
 * pipelined (RFC 2920) and the message sent on the 354, so that the client's own CPU stays small
 * beside the server's. Resolves once every message has its 250; rejects on any other reply.
 */
export async function submitMessages(server: { host: string; port: number }, messages: Submission[], connections: number): Promise<void> {
  let next = 0;
  const session = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(server.port, server.host);
      socket.setNoDelay(true);
      let pending = '';
      let stage: 'greeting' | 'ehlo' | 'envelope' | 'data' = 'greeting';
      let current: Submission | undefined;
      // replies still due to the pipelined MAIL and RCPT before DATA's 354
      let envelopeReplies = 0;
      const transaction = () => {
        current = messages[next++];
        if (!current) return void socket.end('QUIT\r\n', () => resolve());
        stage = 'envelope';
        envelopeReplies = 2;
        socket.write(`MAIL FROM:<${current.from}>\r\nRCPT TO:<${current.to}>\r\nDATA\r\n`);
      };
      const fail = (line: string) => {
        socket.destroy();
        reject(new Error(`${server.host}:${server.port} answered ${line}${current ? ` for ${current.to}` : ''}`));
      };
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        pending += chunk.toString('latin1');
        for (let eol = pending.indexOf('\r\n'); eol >= 0; eol = pending.indexOf('\r\n')) {
          const line = pending.slice(0, eol);
          pending = pending.slice(eol + 2);
          if (line[3] === '-') continue; // a multiline reply goes on
          if (stage === 'greeting') {
            if (!line.startsWith('220')) return fail(line);
            stage = 'ehlo';
            socket.write('EHLO bench-client.bench.test\r\n');
          } else if (stage === 'ehlo') {
            if (!line.startsWith('250')) return fail(line);
            transaction();
          } else if (stage === 'envelope') {
            if (envelopeReplies > 0) {
              envelopeReplies--;
              if (!line.startsWith('250')) return fail(line);
            } else {
              if (!line.startsWith('354')) return fail(line);
              stage = 'data';
              socket.write(Buffer.concat(dotStuff((current as Submission).raw)));
            }
          } else if (stage === 'data') {
            if (!line.startsWith('250')) return fail(line);
            transaction();
          }
        }
      });
    });
  await Promise.all(Array.from({ length: Math.min(connections, messages.length) }, session));
}
