import { connect as netConnect, type Socket } from 'node:net';
import { createSecureContext, rootCertificates, connect as tlsConnect, type SecureContext, type TLSSocket } from 'node:tls';
import { parseReply, syntheticReply, type SmtpReply } from '@herald/core';
import { dotStuff } from './dot-stuff.ts';
import { ReplyReader, ReplyTimeout, type RawReply } from './reply-reader.ts';

export interface TlsInfo {
  version: string;
  cipher: string;
  verified: boolean;
}

export interface SessionOptions {
  /** The address to connect to (resolved by Herald, never through dns.lookup). */
  ip: string;
  port: number;
  /** The server's name: TLS SNI and certificate checks; recorded on events. */
  serverName: string;
  heloName: string;
  /** smtps: TLS from the first byte (port 465). */
  implicitTls?: boolean;
  /**
   * opportunistic: STARTTLS when offered, any certificate (checked and recorded, not required);
   * required: TLS with a certificate valid for serverName, or no session (MTA-STS enforce, relays with AUTH);
   * none: never STARTTLS (the plaintext retry after a failed opportunistic handshake).
   */
  tls: 'opportunistic' | 'required' | 'none';
  /** Extra trusted CA certificates (PEM), for private PKIs and tests. */
  ca?: string | undefined;
  auth?: { user: string; pass: string } | undefined;
  timeouts: { connectMs: number; greetingMs: number; commandMs: number; dataMs: number };
}

/** Why no session could be had; `tlsFailure` tells a failed handshake from everything else. */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly reply: SmtpReply,
    readonly tlsFailure = false,
  ) {
    super(reply.text);
  }
}

export interface TransactionResult {
  /** Each recipient's reply: its RCPT reply if refused there, else the reply to DATA, to the final dot or to BDAT. */
  replies: Map<string, SmtpReply>;
  /** The reply to MAIL FROM when it was refused (then every recipient has it). */
  mailReply?: SmtpReply;
  /**
   * The session was lost before the server answered anything in this transaction (a reused
   * connection the server had closed): nothing can have been accepted, so it may be tried again at once.
   */
  unanswered?: boolean;
}

/** MAIL FROM parameters a transaction needs; the caller checks the server offers them. */
export interface MailParameters {
  /** SMTPUTF8 (RFC 6531): UTF-8 in the header or in a recipient's address. */
  smtpUtf8?: boolean;
  /** BODY=8BITMIME (RFC 6152): 8-bit octets in the message (a UTF-8 header, or the body). */
  eightBitMime?: boolean;
}

const toReply = (raw: RawReply): SmtpReply => parseReply(raw.lines.map((line, i) => `${raw.code}${i < raw.lines.length - 1 ? '-' : ' '}${line}`).join('\n'));

/**
 * One SMTP session with one server (RFC 5321): connect to the IP, greeting, EHLO (HELO if refused),
 * STARTTLS per the TLS mode and EHLO again, AUTH when configured, then any number of transactions,
 * each MAIL, RCPT per recipient (pipelined when offered), DATA and the dot-stuffed message (or, where
 * CHUNKING is offered with PIPELINING, BDAT LAST and the message as it is). Every
 * wait has its own timeout. A session that timed out or lost its connection is `broken` and never
 * reused.
 */
export class SmtpSession {
  extensions = new Map<string, string>();
  tls: TlsInfo | null = null;
  broken = false;
  transactions = 0;
  readonly openedAt = Date.now();
  private constructor(
    private socket: Socket,
    private reader: ReplyReader,
    readonly options: SessionOptions,
  ) {
    reader.onFailure = () => (this.broken = true);
  }

  static async open(options: SessionOptions): Promise<SmtpSession> {
    const socket = await connectSocket(options);
    const session = new SmtpSession(socket, new ReplyReader(socket), options);
    try {
      if (options.implicitTls) session.tls = tlsInfo(socket as TLSSocket);
      const greeting = await session.read(options.timeouts.greetingMs, 'the greeting');
      if (greeting.code !== 220) throw new SessionError(toReply(greeting));
      await session.hello();
      if (!options.implicitTls && options.tls !== 'none') await session.startTls();
      if (options.auth) await session.authenticate(options.auth);
      return session;
    } catch (err) {
      session.destroy();
      throw asSessionError(err, 'session setup');
    }
  }

  /**
   * One transaction for these recipients, with the MAIL FROM parameters given (SMTPUTF8, BODY=8BITMIME:
   * the caller decides, from the server's extensions). Never throws: failures become replies. With PIPELINING
   * (RFC 2920) MAIL, every RCPT and DATA go in one write and the message in a second: two round trips
   * per message; with CHUNKING too (RFC 3030), MAIL, every RCPT, BDAT LAST and the message go in one
   * write: one round trip. A completed transaction leaves the session ready for the next MAIL (no RSET
   * needed); an aborted one is reset.
   */
  async send(from: string, recipients: string[], message: Buffer | Buffer[], parameters: MailParameters = {}): Promise<TransactionResult> {
    this.transactions++;
    const replies = new Map<string, SmtpReply>();
    let answered = false;
    try {
      const t = this.options.timeouts;
      const length = Array.isArray(message) ? message.reduce((n, part) => n + part.length, 0) : message.length;
      const size = this.extensions.has('SIZE') ? ` SIZE=${length}` : '';
      const mailParameters = `${size}${parameters.eightBitMime ? ' BODY=8BITMIME' : ''}${parameters.smtpUtf8 ? ' SMTPUTF8' : ''}`;
      const pipelining = this.extensions.has('PIPELINING');
      const rcptLines = recipients.map((r) => `RCPT TO:<${r}>\r\n`);
      if (pipelining && this.extensions.has('CHUNKING')) {
        // RFC 3030: the whole transaction in one write (MAIL, RCPT, BDAT LAST and the message as it is,
        // no dot-stuffing), answered in one round trip; the server reads the chunk whatever it answered
        const commands = Buffer.from(`MAIL FROM:<${from}>${mailParameters}\r\n${rcptLines.join('')}BDAT ${length} LAST\r\n`, 'utf8');
        await this.writeData([commands, ...(Array.isArray(message) ? message : [message])]);
        // a server may answer the commands only once it has read the chunk: each reply may take the data timeout
        const mail = toReply(await this.read(t.dataMs, 'MAIL FROM'));
        answered = true;
        const accepted: string[] = [];
        for (const rcpt of recipients) {
          const reply = toReply(await this.read(t.dataMs, 'RCPT TO'));
          if (mail.code < 300 && reply.code >= 200 && reply.code < 300) accepted.push(rcpt);
          else replies.set(rcpt, mail.code >= 300 ? mail : reply);
        }
        const final = toReply(await this.read(t.dataMs, 'BDAT'));
        for (const r of accepted) replies.set(r, final);
        // a refused transaction leaves the server's state for RSET to clear, as after DATA
        if (final.code >= 300 || mail.code >= 300) await this.reset();
        return { replies, ...(mail.code >= 300 ? { mailReply: mail } : {}) };
      }
      this.write(`MAIL FROM:<${from}>${mailParameters}\r\n${pipelining ? `${rcptLines.join('')}DATA\r\n` : ''}`);
      const mail = toReply(await this.read(t.commandMs, 'MAIL FROM'));
      answered = true;
      const accepted: string[] = [];
      for (const [i, rcpt] of recipients.entries()) {
        if (!pipelining && mail.code >= 300) break;
        if (!pipelining) this.write(rcptLines[i] as string);
        const reply = toReply(await this.read(t.commandMs, 'RCPT TO'));
        if (mail.code < 300 && reply.code >= 200 && reply.code < 300) accepted.push(rcpt);
        else replies.set(rcpt, mail.code >= 300 ? mail : reply);
      }
      if (!pipelining && accepted.length === 0) {
        for (const r of recipients) if (!replies.has(r)) replies.set(r, mail);
        await this.reset();
        return { replies, ...(mail.code >= 300 ? { mailReply: mail } : {}) };
      }
      const data = toReply(pipelining ? await this.read(t.commandMs, 'DATA') : await this.command('DATA', t.commandMs));
      if (data.code === 354 && accepted.length > 0) {
        await this.writeData(dotStuff(message));
        const final = toReply(await this.read(t.dataMs, 'the end of DATA'));
        for (const r of accepted) replies.set(r, final);
        return { replies };
      }
      // no message goes out: DATA refused, or (pipelined) accepted although MAIL or every RCPT was refused
      if (data.code === 354) await this.command('.', t.dataMs);
      for (const r of accepted) replies.set(r, data);
      await this.reset();
      return { replies, ...(mail.code >= 300 ? { mailReply: mail } : {}) };
    } catch (err) {
      // the session broke mid-transaction (timeout, reset): every recipient without a reply is deferred
      this.destroy();
      const reply = asSessionError(err, 'transaction').reply;
      for (const r of recipients) if (!replies.has(r)) replies.set(r, reply);
      return { replies, ...(answered ? {} : { unanswered: true }) };
    }
  }

  /** RSET: ready for another transaction; false (and broken) when the session is no longer usable. */
  async reset(): Promise<boolean> {
    try {
      const reply = await this.command('RSET', this.options.timeouts.commandMs);
      if (reply.code !== 250) this.destroy();
    } catch {
      this.destroy();
    }
    return !this.broken;
  }

  async quit(): Promise<void> {
    if (this.broken) return;
    try {
      await this.command('QUIT', Math.min(this.options.timeouts.commandMs, 5_000));
    } catch {
      // the server may close first
    }
    this.destroy();
  }

  destroy(): void {
    this.broken = true;
    this.reader.fail(new Error('session closed'));
    this.socket.destroy();
  }

  private async hello(): Promise<void> {
    const ehlo = await this.command(`EHLO ${this.options.heloName}`, this.options.timeouts.commandMs);
    if (ehlo.code === 250) {
      this.extensions = new Map(
        ehlo.lines.slice(1).map((line) => {
          const [keyword = '', ...params] = line.trim().split(/\s+/);
          return [keyword.toUpperCase(), params.join(' ')];
        }),
      );
      return;
    }
    if (ehlo.code >= 500) {
      const helo = await this.command(`HELO ${this.options.heloName}`, this.options.timeouts.commandMs);
      if (helo.code === 250) {
        this.extensions = new Map();
        return;
      }
      throw new SessionError(toReply(helo));
    }
    throw new SessionError(toReply(ehlo));
  }

  private async startTls(): Promise<void> {
    const required = this.options.tls === 'required';
    if (!this.extensions.has('STARTTLS')) {
      if (required) throw new SessionError(syntheticReply(451, '4.7.5', `${this.options.serverName} does not offer STARTTLS, which is required`));
      return;
    }
    const reply = await this.command('STARTTLS', this.options.timeouts.commandMs);
    if (reply.code !== 220) {
      if (required) throw new SessionError(toReply(reply));
      return;
    }
    this.reader.detach(); // anything sent before the handshake is discarded
    const secure = await upgrade(this.socket, this.options);
    this.socket = secure;
    this.reader.attach(secure);
    this.tls = tlsInfo(secure);
    if (required && !this.tls.verified) {
      throw new SessionError(
        syntheticReply(451, '4.7.5', `${this.options.serverName}: certificate not valid (${secure.authorizationError ? String(secure.authorizationError) : 'unverified'})`),
        true,
      );
    }
    await this.hello();
  }

  private async authenticate(auth: { user: string; pass: string }): Promise<void> {
    if (!this.tls) throw new SessionError(syntheticReply(451, '4.7.5', 'refusing to send credentials without TLS'));
    const mechanisms = (this.extensions.get('AUTH') ?? '').toUpperCase().split(/\s+/);
    const t = this.options.timeouts.commandMs;
    let reply: RawReply;
    if (mechanisms.includes('PLAIN') || !mechanisms.includes('LOGIN')) {
      reply = await this.command(`AUTH PLAIN ${Buffer.from(`\0${auth.user}\0${auth.pass}`).toString('base64')}`, t);
    } else {
      reply = await this.command('AUTH LOGIN', t);
      if (reply.code === 334) reply = await this.command(Buffer.from(auth.user).toString('base64'), t);
      if (reply.code === 334) reply = await this.command(Buffer.from(auth.pass).toString('base64'), t);
    }
    if (reply.code !== 235) {
      const refused = toReply(reply);
      // credentials refused is a configuration problem: defer and keep the mail, never bounce it
      throw new SessionError(syntheticReply(451, '4.7.8', `relay refused the credentials: ${refused.text}`));
    }
  }

  private async command(line: string, timeoutMs: number): Promise<RawReply> {
    this.write(`${line}\r\n`);
    return this.read(timeoutMs, line.split(' ')[0] ?? line);
  }

  private read(timeoutMs: number, what: string): Promise<RawReply> {
    return this.reader.next(timeoutMs, what);
  }

  private write(text: string): void {
    // commands are ASCII but for UTF-8 addresses, which go as UTF-8 under SMTPUTF8 (RFC 6531 §3.3)
    this.socket.write(text, 'utf8');
  }

  private async writeData(parts: Buffer[]): Promise<void> {
    // one write for a usual message; a large one in slices, each once the socket has taken the last
    // (so that neither the message nor its TLS records pile up in memory: no copy of tens of MB)
    const size = parts.reduce((n, p) => n + p.length, 0);
    const slices = size < WRITE_SLICE ? [Buffer.concat(parts, size)] : parts.flatMap((p) => Array.from({ length: Math.ceil(p.length / WRITE_SLICE) }, (_, i) => p.subarray(i * WRITE_SLICE, (i + 1) * WRITE_SLICE)));
    for (const data of slices) {
      if (this.socket.write(data)) continue;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new ReplyTimeout('the server stopped reading the message')), this.options.timeouts.dataMs);
        this.socket.once('drain', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** A large message goes to the socket in slices of this size. */
const WRITE_SLICE = 256 * 1024;

function connectSocket(o: SessionOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = o.implicitTls
      ? tlsConnect({ host: o.ip, port: o.port, servername: o.serverName, rejectUnauthorized: false, secureContext: secureContextFor(o.ca) })
      : netConnect({ host: o.ip, port: o.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SessionError(syntheticReply(451, '4.4.1', `connection to ${o.serverName} [${o.ip}] timed out`)));
    }, o.timeouts.connectMs);
    socket.once(o.implicitTls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new SessionError(syntheticReply(451, '4.4.1', `connection to ${o.serverName} [${o.ip}] failed: ${err.code ?? err.message}`), o.implicitTls));
    });
  });
}

function upgrade(socket: Socket, o: SessionOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ socket, servername: o.serverName, rejectUnauthorized: false, secureContext: secureContextFor(o.ca) });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new SessionError(syntheticReply(451, '4.7.5', `TLS handshake with ${o.serverName} timed out`), true));
    }, o.timeouts.commandMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      resolve(secure);
    });
    secure.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(new SessionError(syntheticReply(451, '4.7.5', `TLS handshake with ${o.serverName} failed: ${err.message}`), true));
    });
  });
}

/** The system's CAs plus the extra ones, or undefined for the system's alone. */
function caList(extra: string | undefined): string[] | undefined {
  return extra ? [...rootCertificates, extra] : undefined;
}

const secureContexts = new Map<string, SecureContext>();

/**
 * The TLS context for these trusted CAs (TLS 1.2 at least), made once per process: building one reads
 * every CA certificate (about a millisecond with the system's list and an extra CA), which every new
 * connection would otherwise pay.
 */
function secureContextFor(extra: string | undefined): SecureContext {
  const key = extra ?? '';
  let context = secureContexts.get(key);
  if (!context) {
    context = createSecureContext({ ca: caList(extra), minVersion: 'TLSv1.2' });
    secureContexts.set(key, context);
  }
  return context;
}

function tlsInfo(socket: TLSSocket): TlsInfo {
  return { version: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher()?.name ?? 'unknown', verified: socket.authorized };
}

/** A server reply when there is one; otherwise a 4xx describing the local failure (never a 5xx). */
function asSessionError(err: unknown, stage: string): SessionError {
  if (err instanceof SessionError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SessionError(syntheticReply(451, '4.4.2', `${stage}: ${message}`));
}
