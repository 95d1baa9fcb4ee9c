import net from 'node:net';
import tls from 'node:tls';

/** The host name test listeners greet with and their self-signed certificate names. */
export const SMTP_TEST_HOSTNAME = 'submission.herald.test';

export interface SmtpReply {
  code: number;
  /** Each line's text after the code and its separator. */
  lines: string[];
  /** The reply as received, lines joined with \n. */
  text: string;
}

/** The replies of one mail transaction; `final` is the answer to the message itself. */
export interface Transaction {
  mail: SmtpReply;
  rcpt: SmtpReply[];
  data?: SmtpReply;
  final?: SmtpReply;
}

const open = new Set<RawSmtpClient>();

/** Resolves on the event, rejects on the socket's error. */
async function settled(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once('error', reject);
  });
}

/**
 * A minimal SMTP client over a raw socket, for what a library would not send: it writes exact bytes
 * (bare CR or LF, commands pipelined into one write), reads whole (multi-line) replies, and upgrades
 * the same socket to TLS after STARTTLS.
 */
export class RawSmtpClient {
  private socket: net.Socket;
  private buffer = '';
  private partial: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private wake: (() => void) | null = null;
  private closedFlag = false;
  private readonly onData = (chunk: Buffer) => {
    this.buffer += chunk.toString('latin1');
    this.parse();
  };

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
    open.add(this);
  }

  /** Connects (with TLS from the first byte when `tls`); the greeting is the first reply(). */
  static async connect(port: number, options: { tls?: boolean; localAddress?: string } = {}): Promise<RawSmtpClient> {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: options.localAddress });
    await settled(socket, 'connect');
    if (!options.tls) return new RawSmtpClient(socket);
    const secure = tls.connect({ socket, servername: SMTP_TEST_HOSTNAME, rejectUnauthorized: false });
    await settled(secure, 'secureConnect');
    return new RawSmtpClient(secure);
  }

  /** Destroys every client still open (for afterEach/afterAll). */
  static destroyAll(): void {
    for (const client of open) client.destroy();
  }

  get encrypted(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Writes the bytes exactly as given. */
  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Writes one command line (CRLF added) and reads its reply. */
  async command(line: string): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** The next whole reply; fails when the connection closes or nothing comes within the timeout. */
  async reply(timeoutMs = 5_000): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next = this.replies.shift();
      if (next) return next;
      if (this.closedFlag) throw new Error(`connection closed before a reply${this.buffer ? ` (partial: ${JSON.stringify(this.buffer)})` : ''}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms`);
      await this.waitForInput(left);
    }
  }

  /** Whatever replies (and partial lines) arrive within the given time, without waiting for more. */
  async unsolicited(waitMs = 300): Promise<string[]> {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const texts = this.replies.splice(0).map((r) => r.text);
    return this.buffer || this.partial.length ? [...texts, [...this.partial, this.buffer].join('\n')] : texts;
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the connection stayed open for ${timeoutMs} ms`);
      await this.waitForInput(left);
    }
  }

  async ehlo(name = 'client.herald.test'): Promise<SmtpReply> {
    return this.command(`EHLO ${name}`);
  }

  /** STARTTLS, then the TLS handshake on the same socket (the certificate is not verified). */
  async startTls(): Promise<SmtpReply> {
    const answer = await this.command('STARTTLS');
    if (answer.code !== 220) return answer;
    if (this.replies.length || this.buffer) throw new Error(`plaintext after the STARTTLS reply: ${JSON.stringify(this.buffer)}`);
    await this.upgrade();
    return answer;
  }

  /** The TLS handshake on the same socket, without sending anything first (after a pipelined STARTTLS). */
  async upgrade(): Promise<void> {
    this.socket.off('data', this.onData);
    const secure = tls.connect({ socket: this.socket, servername: SMTP_TEST_HOSTNAME, rejectUnauthorized: false });
    await settled(secure, 'secureConnect');
    this.socket = secure;
    this.attach(secure);
  }

  /** AUTH PLAIN with the credentials in the initial response. */
  async authPlain(user: string, password: string): Promise<SmtpReply> {
    return this.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
  }

  /**
   * One mail transaction: MAIL FROM, each RCPT TO, then — when some recipient was accepted — DATA and
   * `data` exactly as given followed by the terminator CRLF.CRLF. Every reply, in order.
   */
  async transaction(from: string, to: string[], data: string): Promise<Transaction> {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) return { mail, rcpt: [] };
    const rcpt: SmtpReply[] = [];
    for (const address of to) rcpt.push(await this.command(`RCPT TO:<${address}>`));
    if (!rcpt.some((r) => r.code === 250)) return { mail, rcpt };
    const start = await this.command('DATA');
    if (start.code !== 354) return { mail, rcpt, data: start };
    this.write(`${data}\r\n.\r\n`);
    return { mail, rcpt, data: start, final: await this.reply() };
  }

  /** QUIT (when still open) and close. */
  async quit(): Promise<void> {
    if (!this.closedFlag) {
      this.write('QUIT\r\n');
      await this.waitClosed().catch(() => undefined);
    }
    this.destroy();
  }

  destroy(): void {
    open.delete(this);
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', () => undefined); // a reset shows as closed
    socket.on('close', () => {
      this.closedFlag = true;
      this.notify();
    });
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.partial.push(line);
      if (/^\d{3}-/.test(line)) continue;
      const lines = this.partial;
      this.partial = [];
      this.replies.push({ code: /^\d{3}/.test(line) ? Number(line.slice(0, 3)) : 0, lines: lines.map((l) => l.slice(4)), text: lines.join('\n') });
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async waitForInput(timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * A session ready for MAIL FROM: greeting, EHLO, then STARTTLS and EHLO again (unless `tls` connected
 * with TLS from the first byte), then AUTH PLAIN with the key. Fails unless each step succeeded.
 */
export async function authenticatedSession(port: number, key: string, options: { tls?: boolean; localAddress?: string } = {}): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect(port, options);
  const steps: [string, () => Promise<SmtpReply>, number][] = [
    ['greeting', () => client.reply(), 220],
    ['EHLO', () => client.ehlo(), 250],
    ...(options.tls
      ? []
      : ([
          ['STARTTLS', () => client.startTls(), 220],
          ['EHLO after STARTTLS', () => client.ehlo(), 250],
        ] as [string, () => Promise<SmtpReply>, number][])),
    ['AUTH PLAIN', () => client.authPlain('herald', key), 235],
  ];
  for (const [name, step, expected] of steps) {
    const answer = await step();
    if (answer.code !== expected) {
      client.destroy();
      throw new Error(`${name}: expected ${expected}, got ${answer.text}`);
    }
  }
  return client;
}
