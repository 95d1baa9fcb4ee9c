import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomLoopback, startMxSink, TEST_MX_PORT, type MxSink } from '@herald/test/support/mx-sink.ts';
import type { SmtpReply } from '@herald/core';
import { SessionError, SmtpSession, type TlsInfo } from './smtp-session.ts';

interface TransactionRequest {
  mxHost: string;
  ip: string;
  port: number;
  heloName: string;
  timeouts: { connectMs: number; greetingMs: number; commandMs: number };
  envelope: { from: string; to: string[] };
  message: Buffer;
}

type TransactionResult =
  | { kind: 'no-session'; reply: SmtpReply; tls: null }
  | { kind: 'session'; replies: Map<string, SmtpReply>; tls: TlsInfo | null };

/** One session, one transaction, QUIT: the session as delivery uses it, seen from outside. */
async function sendTransaction(r: TransactionRequest): Promise<TransactionResult> {
  let session: SmtpSession;
  try {
    session = await SmtpSession.open({
      ip: r.ip,
      port: r.port,
      serverName: r.mxHost,
      heloName: r.heloName,
      tls: 'opportunistic',
      timeouts: { ...r.timeouts, dataMs: r.timeouts.commandMs },
    });
  } catch (err) {
    if (err instanceof SessionError) return { kind: 'no-session', reply: err.reply, tls: null };
    throw err;
  }
  const result = await session.send(r.envelope.from, r.envelope.to, r.message);
  const tls = session.tls;
  await session.quit();
  return { kind: 'session', replies: result.replies, tls };
}

const RCPT_REPLIES: Record<string, { code: number; message: string }> = {
  busy: { code: 451, message: '4.3.0 Mailbox temporarily unavailable, try later' },
  nobody: { code: 550, message: '5.1.1 <nobody>: Recipient address rejected: User unknown' },
};

function request(ip: string, to: string[], message: Buffer, port = TEST_MX_PORT): TransactionRequest {
  return {
    mxHost: 'mx.recipient.test',
    ip,
    port,
    heloName: 'herald-test.local',
    timeouts: { connectMs: 2_000, greetingMs: 2_000, commandMs: 5_000 },
    envelope: { from: 'sender@herald.test', to },
    message,
  };
}

function message(body: string[] = ['Hello.']): Buffer {
  const headers = ['From: sender@herald.test', 'To: ok@recipient.test', 'Subject: test', 'Message-ID: <t@herald.test>'];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body.join('\r\n')}\r\n`, 'utf8');
}

function replies(result: TransactionResult): Map<string, { code: number; enhanced: string | null; text: string }> {
  if (result.kind !== 'session') throw new Error(`expected a session, got no-session: ${result.reply.text}`);
  return result.replies;
}

describe('an SMTP session against real SMTP sinks', () => {
  let tlsSink: MxSink;
  let plainSink: MxSink;

  beforeAll(async () => {
    const behaviour = {
      rcpt: (address: string) => RCPT_REPLIES[address.split('@')[0] as string],
      data: (received: { rcptTo: string[] }) =>
        received.rcptTo.some((a) => a.startsWith('spamtrap@')) ? { code: 554, message: '5.7.1 Message rejected as spam' } : undefined,
    };
    tlsSink = await startMxSink({ behaviour });
    plainSink = await startMxSink({ behaviour: { ...behaviour, starttls: false } });
  });

  afterAll(async () => {
    await Promise.all([tlsSink?.close(), plainSink?.close()]);
  });

  it('gives each recipient its own reply when RCPT answers 250, 451 and 550 in one transaction', async () => {
    const before = tlsSink.received.length;
    const to = ['ok@recipient.test', 'busy@recipient.test', 'nobody@recipient.test'];

    const result = replies(await sendTransaction(request(tlsSink.host, to, message())));

    expect(result.get('ok@recipient.test')).toMatchObject({ code: 250, enhanced: '2.0.0' });
    // the accepted recipient's reply is DATA's final reply, not RCPT's
    expect(result.get('ok@recipient.test')?.text).toMatch(/queued as \d+/);
    expect(result.get('busy@recipient.test')).toMatchObject({ code: 451, enhanced: '4.3.0' });
    expect(result.get('busy@recipient.test')?.text).toContain('try later');
    expect(result.get('nobody@recipient.test')).toMatchObject({ code: 550, enhanced: '5.1.1' });
    expect(result.get('nobody@recipient.test')?.text).toContain('User unknown');
    expect(tlsSink.received.slice(before).map((m) => m.rcptTo)).toEqual([['ok@recipient.test']]);
  });

  it('gives each recipient its own RCPT reply when every recipient is refused, and sends no message', async () => {
    const before = tlsSink.received.length;

    const result = replies(await sendTransaction(request(tlsSink.host, ['busy@recipient.test', 'nobody@recipient.test'], message())));

    expect(result.get('busy@recipient.test')).toMatchObject({ code: 451, enhanced: '4.3.0' });
    expect(result.get('nobody@recipient.test')).toMatchObject({ code: 550, enhanced: '5.1.1' });
    expect(tlsSink.received.length).toBe(before);
  });

  it('uses STARTTLS when offered and records the TLS version and cipher, unverified for a self-signed certificate', async () => {
    const before = tlsSink.received.length;

    const result = await sendTransaction(request(tlsSink.host, ['ok@recipient.test'], message()));

    expect(replies(result).get('ok@recipient.test')?.code).toBe(250);
    expect(result.tls).toEqual({ version: expect.stringMatching(/^TLSv1\.[23]$/) as unknown, cipher: expect.stringMatching(/\w/) as unknown, verified: false });
    expect(tlsSink.received.slice(before).map((m) => m.secure)).toEqual([true]);
  });

  it('delivers in clear text with tls null when the server does not offer STARTTLS', async () => {
    const before = plainSink.received.length;

    const result = await sendTransaction(request(plainSink.host, ['ok@recipient.test'], message()));

    expect(result.tls).toBeNull();
    expect(replies(result).get('ok@recipient.test')).toMatchObject({ code: 250 });
    expect(plainSink.received.slice(before).map((m) => m.secure)).toEqual([false]);
  });

  it('reports no session, with a 4xx reply, when nothing listens at the address', async () => {
    const result = await sendTransaction(request(randomLoopback(), ['ok@recipient.test'], message()));

    expect(result.kind).toBe('no-session');
    const reply = result.kind === 'no-session' ? result.reply : null;
    expect(reply?.code).toBeGreaterThanOrEqual(400);
    expect(reply?.code).toBeLessThan(500);
    expect(reply?.enhanced).toMatch(/^4\./);
    expect(reply?.text).toContain('ECONNREFUSED');
    expect(result.tls).toBeNull();
  });

  it('applies a 554 after the final dot to every accepted recipient and keeps RCPT rejections as they were', async () => {
    const before = tlsSink.received.length;
    const to = ['spamtrap@recipient.test', 'ok@recipient.test', 'nobody@recipient.test'];

    const result = replies(await sendTransaction(request(tlsSink.host, to, message())));

    expect(result.get('spamtrap@recipient.test')).toMatchObject({ code: 554, enhanced: '5.7.1' });
    expect(result.get('ok@recipient.test')).toMatchObject({ code: 554, enhanced: '5.7.1' });
    expect(result.get('ok@recipient.test')?.text).toContain('rejected as spam');
    expect(result.get('nobody@recipient.test')).toMatchObject({ code: 550, enhanced: '5.1.1' });
    expect(tlsSink.received.length).toBe(before);
  });

  it('delivers lines that begin with a dot byte-exact', async () => {
    const before = plainSink.received.length;
    const sent = message(['.', '..', '.leading dot', '...three', 'middle . dot', '.', 'QUIT', '. ', 'last line']);

    const result = await sendTransaction(request(plainSink.host, ['ok@recipient.test'], sent));

    expect(replies(result).get('ok@recipient.test')?.code).toBe(250);
    const [received] = plainSink.received.slice(before);
    expect(received?.raw.toString('latin1')).toBe(sent.toString('latin1'));
    expect(received?.raw.equals(sent)).toBe(true);
  });

  it('reports no session, with a 4xx reply, when the server accepts the connection but never greets', async () => {
    const silent = await scriptedServer(() => undefined);
    try {
      const slow = { ...request(silent.host, ['ok@recipient.test'], message()), timeouts: { connectMs: 1_000, greetingMs: 300, commandMs: 1_000 } };
      const started = Date.now();

      const result = await sendTransaction(slow);

      expect(result.kind).toBe('no-session');
      expect(result.kind === 'no-session' ? result.reply : null).toMatchObject({ code: 451, enhanced: '4.4.2' });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await silent.close();
    }
  });

  it('reports no session, with a 4xx reply, when the server closes the connection before greeting', async () => {
    const rude = await scriptedServer((socket) => socket.destroy());
    try {
      const result = await settlesWithin(5_000, sendTransaction(request(rude.host, ['ok@recipient.test'], message())));

      expect(result.kind).toBe('no-session');
      expect(result.kind === 'no-session' ? result.reply : null).toMatchObject({ code: 451, enhanced: '4.4.2' });
    } finally {
      await rude.close();
    }
  });

  it('defers every recipient with a 4xx reply when the server drops the connection mid-transaction', async () => {
    const dropping = await scriptedServer((socket) => {
      socket.write('220 mx.recipient.test ESMTP\r\n');
      socket.on('data', (chunk: Buffer) => {
        if (/^EHLO/i.test(chunk.toString())) socket.write('250-mx.recipient.test\r\n250 8BITMIME\r\n');
        else socket.destroy();
      });
    });
    try {
      const to = ['ok@recipient.test', 'other@recipient.test'];

      const result = replies(await settlesWithin(5_000, sendTransaction(request(dropping.host, to, message()))));

      expect([...result.keys()].sort()).toEqual(to);
      for (const reply of result.values()) expect(reply).toMatchObject({ code: 451, enhanced: '4.4.2' });
    } finally {
      await dropping.close();
    }
  });
});

/** A bare TCP server on the MX port of its own loopback address, behaving as the test scripts it. */
async function scriptedServer(onConnection: (socket: Socket) => void): Promise<{ host: string; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  const host = randomLoopback();
  await new Promise<void>((resolve) => server.listen(TEST_MX_PORT, host, () => resolve()));
  return {
    host,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Fails, instead of hanging the test until its timeout, when a transaction never settles. */
async function settlesWithin<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the transaction did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
