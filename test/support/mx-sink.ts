import { randomInt } from 'node:crypto';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

/** What the sink answers at a stage: a reply code and text, or undefined for the default 250. */
export interface SinkReply {
  code: number;
  message: string;
}

export interface ReceivedMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  /** Whether the session was under TLS (STARTTLS) when DATA arrived. */
  secure: boolean;
  heloName: string;
  /** The user the client authenticated as (relay tests), if any. */
  user: string | null;
  /** When the final dot arrived. */
  at: number;
  /** MAIL FROM's parameters as sent, by upper-cased name: { SIZE: '1234', SMTPUTF8: true, BODY: '8BITMIME' }. */
  mailParameters: Record<string, string | true>;
}

export interface SinkBehaviour {
  /** Reply to RCPT TO for an address; undefined accepts it. */
  rcpt?: (address: string) => SinkReply | undefined;
  /** Reply after the final dot (it may take its time); undefined accepts the message. */
  data?: (message: ReceivedMessage) => SinkReply | undefined | Promise<SinkReply | undefined>;
  /** Called when a client starts sending a message's content (after DATA's 354). */
  onDataStart?: () => void;
  /** Offer STARTTLS (default true). */
  starttls?: boolean;
  /** Answer 452 4.5.3 to RCPTs beyond this many in one transaction. */
  maxRecipientsPerTransaction?: number;
  /** Require AUTH with these credentials before MAIL (a relay), offered only under TLS. */
  auth?: { user: string; pass: string };
  /** Offer only TLS versions up to this one: a modern client's handshake fails. */
  tlsMaxVersion?: 'TLSv1' | 'TLSv1.1';
  /** Advertise 8BITMIME (default true). */
  eightBitMime?: boolean;
  /** Advertise SMTPUTF8 (default true, as smtp-server does). Either way the sink accepts what it is sent. */
  smtpUtf8?: boolean;
  /** The certificate STARTTLS presents (PEM, e.g. from test-ca.ts); smtp-server's self-signed one by default. */
  tls?: { certPem: string; keyPem: string };
}

export interface MxSink {
  host: string;
  port: number;
  received: ReceivedMessage[];
  behaviour: SinkBehaviour;
  /** TCP connections accepted so far (session reuse shows as fewer connections than messages). */
  connections: number;
  /** Transactions started (MAIL FROM accepted), with when. */
  transactionsStarted: number[];
  /** Messages whose final dot has arrived and whose reply is not yet sent. */
  awaitingReply: Set<ReceivedMessage>;
  close(): Promise<void>;
}

/** The port test MX servers listen on: 25 as root (as CI runs), else 2525; HERALD_TEST_MX_PORT overrides. */
export const TEST_MX_PORT = Number(process.env.HERALD_TEST_MX_PORT ?? (process.getuid?.() === 0 ? 25 : 2525));

/** A random 127.x.y.z address, so test files running in parallel never share an MX. */
export function randomLoopback(): string {
  return `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
}

/**
 * A recipient mail server built on smtp-server: it offers STARTTLS with a self-signed certificate,
 * records every message it accepts, and answers RCPT and DATA as the test tells it to.
 */
export async function startMxSink(options: { host?: string; port?: number; behaviour?: SinkBehaviour } = {}): Promise<MxSink> {
  const host = options.host ?? randomLoopback();
  const port = options.port ?? TEST_MX_PORT;
  const received: ReceivedMessage[] = [];
  const sink: MxSink = {
    host,
    port,
    received,
    behaviour: options.behaviour ?? {},
    connections: 0,
    transactionsStarted: [],
    awaitingReply: new Set(),
    close: async () => undefined,
  };
  const auth = sink.behaviour.auth;

  const reply = (r: SinkReply) => Object.assign(new Error(r.message), { responseCode: r.code });

  const server = new SMTPServer({
    logger: false,
    authOptional: !auth,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: [...(sink.behaviour.starttls === false ? ['STARTTLS'] : []), ...(auth ? [] : ['AUTH'])],
    hideSTARTTLS: sink.behaviour.starttls === false,
    hide8BITMIME: sink.behaviour.eightBitMime === false,
    hideSMTPUTF8: sink.behaviour.smtpUtf8 === false,
    ...(sink.behaviour.tlsMaxVersion ? { minVersion: 'TLSv1' as const, maxVersion: sink.behaviour.tlsMaxVersion } : {}),
    ...(sink.behaviour.tls ? { key: sink.behaviour.tls.keyPem, cert: sink.behaviour.tls.certPem } : {}),
    onConnect(_session, callback) {
      sink.connections++;
      callback();
    },
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) return callback(null, { user: auth.user });
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      sink.transactionsStarted.push(Date.now());
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const max = sink.behaviour.maxRecipientsPerTransaction;
      if (max !== undefined && session.envelope.rcptTo.length >= max) {
        return callback(reply({ code: 452, message: '4.5.3 Too many recipients' }));
      }
      const answer = sink.behaviour.rcpt?.(address.address);
      callback(answer ? reply(answer) : null);
    },
    onData(stream, session, callback) {
      sink.behaviour.onDataStart?.();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      const finish = async () => {
        const message: ReceivedMessage = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          heloName: session.hostNameAppearsAs,
          user: typeof session.user === 'string' ? session.user : null,
          at: Date.now(),
          mailParameters: { ...((session.envelope.mailFrom ? session.envelope.mailFrom.args : false) || {}) },
        };
        sink.awaitingReply.add(message);
        const answer = await sink.behaviour.data?.(message);
        sink.awaitingReply.delete(message);
        if (answer && answer.code >= 400) return callback(reply(answer));
        // accepted: a real MX delivers it now, whether or not the client lives to read the 250
        received.push(message);
        callback(null, answer?.message ?? `2.0.0 Ok: queued as ${randomInt(1e9)}`);
      };
      stream.on('end', () => void finish());
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
