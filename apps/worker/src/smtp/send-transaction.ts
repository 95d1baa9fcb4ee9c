import type { TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { parseReply, syntheticReply, type SmtpReply } from '../delivery/outcome.ts';

export interface TransactionRequest {
  /** The MX host name: used for TLS SNI and certificate checks, and recorded on events. */
  mxHost: string;
  /** The address connected to (resolved by Herald, never through dns.lookup). */
  ip: string;
  port: number;
  heloName: string;
  timeouts: { connectMs: number; greetingMs: number; commandMs: number };
  envelope: { from: string; to: string[] };
  /** Signed, CRLF-normalised message. */
  message: Buffer;
}

export interface TlsInfo {
  version: string;
  cipher: string;
  verified: boolean;
}

export type TransactionResult =
  /** No session: refused, unreachable, timed out or bad greeting. The next MX may be tried. */
  | { kind: 'no-session'; reply: SmtpReply; tls: TlsInfo | null }
  /** A session: each recipient's reply (RCPT, or DATA's final reply for the accepted ones). */
  | { kind: 'session'; replies: Map<string, SmtpReply>; tls: TlsInfo | null };

export type SendTransaction = (request: TransactionRequest) => Promise<TransactionResult>;

interface SmtpError extends Error {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

/**
 * One SMTP transaction with one server: connect to the IP, EHLO, STARTTLS when offered (certificate
 * checked and recorded, not required: opportunistic TLS), MAIL, RCPT for each recipient, DATA. Every
 * way this can fail becomes a reply value here; nothing throws.
 */
export const sendTransaction: SendTransaction = (request) =>
  new Promise((resolve) => {
    const connection = new SMTPConnection({
      host: request.ip,
      port: request.port,
      name: request.heloName,
      secure: false,
      opportunisticTLS: true,
      connectionTimeout: request.timeouts.connectMs,
      greetingTimeout: request.timeouts.greetingMs,
      socketTimeout: request.timeouts.commandMs,
      tls: { servername: request.mxHost, rejectUnauthorized: false },
      logger: false,
    });
    let tls: TlsInfo | null = null;
    let settled = false;
    const finish = (result: TransactionResult) => {
      if (settled) return;
      settled = true;
      try {
        if (result.kind === 'session') connection.quit();
        else connection.close();
      } catch {
        // already closed
      }
      resolve(result);
    };
    let connected = false;
    /** Before the session: try the next host. After: every recipient is deferred with the reply, none dropped. */
    const broken = (reply: SmtpReply) => {
      if (!connected) return finish({ kind: 'no-session', reply, tls });
      finish({ kind: 'session', replies: new Map(request.envelope.to.map((rcpt) => [rcpt, reply])), tls });
    };
    connection.on('error', (err: SmtpError) => broken(replyOf(err, connected ? 'transaction' : 'connection')));
    // A server that closes the connection before its greeting makes nodemailer emit only 'end' (no
    // 'error', and the greeting timer is cleared): without this the transaction would never settle.
    connection.on('end', () =>
      broken(syntheticReply(451, '4.4.2', `${connected ? 'transaction' : 'connection'}: closed by the server without a reply`)),
    );

    connection.connect((connectErr?: SmtpError) => {
      if (connectErr) return finish({ kind: 'no-session', reply: replyOf(connectErr, 'connection'), tls });
      connected = true;
      tls = tlsInfo(connection);
      connection.send(request.envelope, request.message, (err: SmtpError | null, info) => {
        const replies = new Map<string, SmtpReply>();
        if (!err) {
          const accepted = parseReply(info.response);
          for (const rcpt of info.accepted) replies.set(rcpt, accepted);
          for (const rejected of (info.rejectedErrors ?? []) as SmtpError[]) {
            if (rejected.recipient) replies.set(rejected.recipient, replyOf(rejected, 'RCPT'));
          }
          return finish({ kind: 'session', replies, tls });
        }
        // RCPT-stage rejections carry their recipient; the rest of the error applies to everyone else
        const envelopeErrors = (connection as unknown as { _envelope?: { rejectedErrors?: SmtpError[] } })._envelope
          ?.rejectedErrors;
        for (const rejected of err.rejectedErrors ?? envelopeErrors ?? []) {
          if (rejected.recipient) replies.set(rejected.recipient, replyOf(rejected, 'RCPT'));
        }
        const shared = replyOf(err, err.command ?? 'DATA');
        for (const rcpt of request.envelope.to) if (!replies.has(rcpt)) replies.set(rcpt, shared);
        finish({ kind: 'session', replies, tls });
      });
    });
  });

/** A server reply when there is one; otherwise a 4xx reply describing the local failure (never 5xx). */
function replyOf(err: SmtpError, stage: string): SmtpReply {
  if (err.response && /^\d{3}/.test(err.response)) return parseReply(err.response);
  const what = err.code === 'ETIMEDOUT' ? 'timed out' : err.message;
  return syntheticReply(451, '4.4.2', `${stage}: ${what}`);
}

function tlsInfo(connection: SMTPConnection): TlsInfo | null {
  if (!connection.secure) return null;
  const socket = (connection as unknown as { _socket?: TLSSocket })._socket;
  if (!socket || typeof socket.getProtocol !== 'function') return null;
  return { version: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher()?.name ?? 'unknown', verified: socket.authorized };
}
