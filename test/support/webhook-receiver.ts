import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { randomLoopbackAddress } from './https-policy-server.ts';
import type { TestCertificate } from './test-ca.ts';

/**
 * A real webhook receiver: an HTTP server (HTTPS when given a certificate) on a random 127.x.y.z
 * address that records every request and every connection, and answers with whatever status,
 * headers and body the test sets, or never answers.
 */

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The TLS SNI the client sent (HTTPS only). */
  servername: string | undefined;
}

export interface ReceiverResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Read the request and never answer it. */
  hang?: boolean;
}

export interface TestWebhookReceiver {
  host: string;
  port: number;
  /** `http(s)://<host or the given name>:<port><path>`. */
  url(path?: string, hostname?: string): string;
  /** What every request is answered with from now on (default 200 with an empty body). */
  respond(response: ReceiverResponse): void;
  requests: ReceivedWebhook[];
  /** TCP connections accepted, whether or not a request followed. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { host?: string; certificate?: TestCertificate } = {}): Promise<TestWebhookReceiver> {
  const host = options.host ?? randomLoopbackAddress();
  let current: ReceiverResponse = {};
  const requests: ReceivedWebhook[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const server: Server = options.certificate
    ? createHttpsServer({ cert: options.certificate.certPem, key: options.certificate.keyPem })
    : createHttpServer();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        servername: (req.socket as Partial<TLSSocket>).servername || undefined,
      });
      const response = current;
      if (response.hang) return;
      const body = Buffer.from(response.body ?? '', 'utf8');
      res.writeHead(response.status ?? 200, { 'content-length': String(body.length), ...response.headers }).end(body);
    });
  });
  // TCP connections, counted before any TLS handshake
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined); // a client refusing our certificate is what some tests want

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('webhook receiver has no port');
  const scheme = options.certificate ? 'https' : 'http';

  return {
    host,
    port: address.port,
    url: (path = '/hook', hostname = host) => `${scheme}://${hostname.includes(':') ? `[${hostname}]` : hostname}:${address.port}${path}`,
    respond: (response) => void (current = response),
    requests,
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
