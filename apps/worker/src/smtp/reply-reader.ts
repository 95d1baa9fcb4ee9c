import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';

/** One SMTP reply: its code and its lines without the "250-" / "250 " prefixes. */
export interface RawReply {
  code: number;
  lines: string[];
}

export class ReplyTimeout extends Error {
  override name = 'ReplyTimeout';
}

export class ConnectionClosed extends Error {
  override name = 'ConnectionClosed';
}

/**
 * Reads SMTP replies (RFC 5321 §4.2) off a socket: lines end with CRLF (a bare LF is tolerated),
 * "ddd-" continues a reply and "ddd " (or "ddd") ends it. Replies are handed out in order to callers
 * of next(), each with its own timeout. Detach before STARTTLS: whatever the server sent after its 220
 * is discarded, never read as a reply to a later command.
 */
export class ReplyReader {
  private buffer = '';
  private pending: string[] = [];
  private ready: RawReply[] = [];
  private waiters: { resolve: (r: RawReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private failure: Error | null = null;
  /** Called once when the connection ends or fails: an idle session learns it is dead without sending anything. */
  onFailure: ((err: Error) => void) | null = null;
  private readonly onData = (chunk: Buffer) => this.push(chunk);
  private readonly onEnd = () => this.fail(new ConnectionClosed('the server closed the connection'));
  private readonly onError = (err: Error) => this.fail(err);

  constructor(private socket: Socket) {
    this.attach(socket);
  }

  attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    this.buffer = '';
    this.pending = [];
    this.ready = [];
  }

  next(timeoutMs: number, what: string): Promise<RawReply> {
    const ready = this.ready.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new ReplyTimeout(`no reply to ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ resolve, reject, timer });
    });
  }

  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.onFailure?.(err);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
  }

  private push(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = readable(this.buffer.slice(0, end).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(end + 1);
      this.pending.push(line);
      if (/^\d{3}-/.test(line)) continue;
      const reply: RawReply = {
        code: /^\d{3}/.test(line) ? Number(line.slice(0, 3)) : 0,
        lines: this.pending.map((l) => l.replace(/^\d{3}[ -]?/, '')),
      };
      this.pending = [];
      const waiter = this.waiters.shift();
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(reply);
      } else {
        this.ready.push(reply);
      }
    }
    if (this.buffer.length > 64 * 1024) this.fail(new Error('the server sent a reply line over 64 KiB'));
  }
}

/**
 * A reply line read as latin1, as text: UTF-8 when it is valid UTF-8 (a server may answer in UTF-8
 * under SMTPUTF8, RFC 6531 §3.7.4, naming an internationalised address), else as latin1.
 */
function readable(line: string): string {
  if (!/[\x80-\xff]/.test(line)) return line;
  const octets = Buffer.from(line, 'latin1');
  return isUtf8(octets) ? octets.toString('utf8') : line;
}
