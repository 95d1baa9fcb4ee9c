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
}

export interface SinkBehaviour {
  /** Reply to RCPT TO for an address; undefined accepts it. */
  rcpt?: (address: string) => SinkReply | undefined;
  /** Reply after the final dot; undefined accepts the message. */
  data?: (message: ReceivedMessage) => SinkReply | undefined;
  /** Offer STARTTLS (default true). */
  starttls?: boolean;
}

export interface MxSink {
  host: string;
  port: number;
  received: ReceivedMessage[];
  behaviour: SinkBehaviour;
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
  const sink: MxSink = { host, port, received, behaviour: options.behaviour ?? {}, close: async () => undefined };

  const reply = (r: SinkReply) => Object.assign(new Error(r.message), { responseCode: r.code });

  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: sink.behaviour.starttls === false ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    hideSTARTTLS: sink.behaviour.starttls === false,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const answer = sink.behaviour.rcpt?.(address.address);
      callback(answer ? reply(answer) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message: ReceivedMessage = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          heloName: session.hostNameAppearsAs,
        };
        const answer = sink.behaviour.data?.(message);
        if (answer && answer.code >= 400) return callback(reply(answer));
        received.push(message);
        callback(null, answer?.message ?? `2.0.0 Ok: queued as ${randomInt(1e9)}`);
      });
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
