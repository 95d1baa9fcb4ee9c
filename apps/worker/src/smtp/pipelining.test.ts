import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { randomLoopback, TEST_MX_PORT } from '@herald/test/support/mx-sink.ts';
import { TEST_TIMEOUTS, testSmtpDeps } from '@herald/test/support/smtp-deps.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';
import { deliverToDestinations } from './deliver-to-destinations.ts';
import { SmtpSession } from './smtp-session.ts';

/**
 * A scripted SMTP server on a raw socket, to see what the client writes and when: every chunk it
 * receives is kept as it arrived (one client write is one chunk on loopback), and the test decides the
 * replies to RCPT and DATA and when to drop a connection.
 */
interface Scripted {
  host: string;
  chunks: string[];
  connections: number;
  messages: string[];
  /** Closes the connection, without a reply, when this returns true for a command line. */
  dropOn: (line: string, connection: number) => boolean;
  rcpt: (address: string) => string;
  /** Answers DATA with 354 even when no recipient was accepted (what RFC 2920 allows a client to meet). */
  lenientData: boolean;
  close(): Promise<void>;
}

async function startScripted(host = randomLoopback()): Promise<Scripted> {
  const sockets = new Set<Socket>();
  const scripted: Scripted = { host, chunks: [], connections: 0, messages: [], dropOn: () => false, rcpt: () => '250 2.1.5 Ok', lenientData: false, close: async () => undefined };
  const server: Server = createServer((socket) => {
    const connection = ++scripted.connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let inData = false;
    let accepted = 0;
    socket.write('220 scripted ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      scripted.chunks.push(chunk.toString('latin1'));
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          const lone = buffer.startsWith('.\r\n');
          if (end < 0 && !lone) return;
          scripted.messages.push(lone ? '' : buffer.slice(0, end + 2));
          buffer = buffer.slice(lone ? 3 : end + 5);
          inData = false;
          socket.write(accepted > 0 ? '250 2.0.0 Ok: queued\r\n' : '554 5.5.1 No valid recipients\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (scripted.dropOn(line, connection)) return void socket.destroy();
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-scripted\r\n250-PIPELINING\r\n250 SIZE 10000000\r\n');
        else if (verb === 'MAIL') {
          accepted = 0;
          socket.write('250 2.1.0 Ok\r\n');
        }
        else if (verb === 'RCPT') {
          const reply = scripted.rcpt(line.slice(line.indexOf('<') + 1, line.indexOf('>')));
          if (reply.startsWith('2')) accepted++;
          socket.write(`${reply}\r\n`);
        } else if (verb === 'DATA') {
          inData = accepted > 0 || scripted.lenientData;
          socket.write(inData ? '354 End data with <CR><LF>.<CR><LF>\r\n' : '554 5.5.1 No valid recipients\r\n');
        } else if (verb === 'RSET') socket.write('250 2.0.0 Ok\r\n');
        else if (verb === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
        else socket.write('502 5.5.2 Command not recognised\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(TEST_MX_PORT, host, resolve));
  scripted.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return scripted;
}

const message = (n: number) => Buffer.from(`From: a@herald.test\r\nSubject: ${n}\r\n\r\nHello ${n}.\r\n`);
const destination = (host: string) => [{ name: 'mx.scripted.test', addresses: [host], port: TEST_MX_PORT, tls: 'opportunistic' as const, implicitTls: false }];
const from = () => 'bounces@herald.test';

describe('SMTP transactions with PIPELINING', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });
  const setup = async () => {
    const server = await startScripted();
    const smtp = testSmtpDeps();
    cleanup.push(() => smtp.close(), () => server.close());
    return { server, smtp };
  };

  it('sends MAIL, every RCPT and DATA in one write and the message in a second, and no RSET between messages on one session', async () => {
    const { server, smtp } = await setup();
    for (const n of [1, 2]) {
      const attempt = await deliverToDestinations(smtp.deps, destination(server.host), from, ['a@x.test', 'b@x.test'], message(n));
      expect(attempt.kind === 'replies' && [...attempt.replies.values()].map((r) => r.code)).toEqual([250, 250]);
    }
    const transactions = server.chunks.filter((c) => c.startsWith('MAIL'));
    expect(transactions).toEqual([
      'MAIL FROM:<bounces@herald.test> SIZE=45\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n',
      'MAIL FROM:<bounces@herald.test> SIZE=45\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n',
    ]);
    expect(server.chunks.filter((c) => c.startsWith('From:'))).toHaveLength(2);
    expect(server.chunks.join('')).not.toContain('RSET');
    expect(server.connections).toBe(1);
    expect(server.messages.map((m) => m.split('\r\n').pop() === '' && m.includes('Hello'))).toEqual([true, true]);
  });

  it('goes on over a new connection, with nothing deferred, when the server dropped the reused one before answering', async () => {
    const { server, smtp } = await setup();
    // the first connection is dropped at its second MAIL, as a server that timed the idle session out would
    let mails = 0;
    server.dropOn = (line, connection) => line.startsWith('MAIL') && connection === 1 && ++mails === 2;
    const first = await deliverToDestinations(smtp.deps, destination(server.host), from, ['a@x.test'], message(1));
    const second = await deliverToDestinations(smtp.deps, destination(server.host), from, ['a@x.test'], message(2));
    expect([first, second].map((a) => a.kind === 'replies' && a.replies.get('a@x.test')?.code)).toEqual([250, 250]);
    expect(server.connections).toBe(2);
    expect(server.messages).toHaveLength(2);
  });

  it('marks an idle session broken when the server closes its connection, and the pool no longer hands it out', async () => {
    const { server, smtp } = await setup();
    const session = await SmtpSession.open({ ip: server.host, port: TEST_MX_PORT, serverName: 'mx.scripted.test', heloName: 'herald-test.local', tls: 'none', timeouts: TEST_TIMEOUTS });
    smtp.pool.release('k', session);
    expect(session.broken).toBe(false);
    await server.close();
    await waitFor('the session to notice the close', () => session.broken, 2_000);
    expect(smtp.pool.takeIdle('k')).toBeNull();
  });

  it('ends a DATA the server accepted although every RCPT was refused with a lone dot, sending no message', async () => {
    const { server, smtp } = await setup();
    server.rcpt = () => '550 5.1.1 User unknown';
    server.lenientData = true;
    const attempt = await deliverToDestinations(smtp.deps, destination(server.host), from, ['a@x.test', 'b@x.test'], message(1));
    expect(attempt.kind === 'replies' && [...attempt.replies.values()].map((r) => r.code)).toEqual([550, 550]);
    expect(server.messages).toEqual(['']);
    expect(server.chunks.join('')).not.toContain('Hello');
  });
});
