import { randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TestCertificate } from './test-ca.ts';

/**
 * A real HTTPS server on a random 127.x.y.z address, standing in for a domain's MTA-STS policy host
 * (mta-sts.<domain>). It serves /.well-known/mta-sts.txt with whatever status, body and content type
 * the test sets, can redirect, answer slowly or not at all, and records every request it gets.
 */

export interface PolicyResponse {
  status?: number;
  body?: string;
  /** null sends no Content-Type header. */
  contentType?: string | null;
  /** Sent as Location (give a 3xx status with it). */
  location?: string;
  /** Stream the body in chunks without a Content-Length header. */
  chunked?: boolean;
  /** Accept the request and never answer it. */
  hang?: boolean;
}

export interface PolicyRequest {
  path: string;
  host: string | undefined;
  /** The TLS SNI the client sent. */
  servername: string | undefined;
}

export interface TestPolicyServer {
  host: string;
  port: number;
  /** What /.well-known/mta-sts.txt answers from now on (other paths answer 404). */
  respond(response: PolicyResponse): void;
  requests: PolicyRequest[];
  close(): Promise<void>;
}

export const WELL_KNOWN_POLICY_PATH = '/.well-known/mta-sts.txt';

export async function startPolicyServer(options: {
  certificate: TestCertificate;
  response?: PolicyResponse;
  host?: string;
}): Promise<TestPolicyServer> {
  const host = options.host ?? randomLoopbackAddress();
  let current: PolicyResponse = options.response ?? {};
  const requests: PolicyRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer({ cert: options.certificate.certPem, key: options.certificate.keyPem }, (req, res) => {
    const path = req.url ?? '';
    requests.push({ path, host: req.headers.host, servername: (req.socket as TLSSocket).servername || undefined });
    if (path !== WELL_KNOWN_POLICY_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    send(res, current);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined); // a client refusing our certificate is what some tests want

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('policy server has no port');

  return {
    host,
    port: address.port,
    respond: (response) => void (current = response),
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, response: PolicyResponse): void {
  if (response.hang) return;
  const headers: Record<string, string> = {};
  const contentType = response.contentType === undefined ? 'text/plain' : response.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  if (response.location) headers.location = response.location;
  const body = Buffer.from(response.body ?? '', 'utf8');
  if (!response.chunked) {
    headers['content-length'] = String(body.length);
    res.writeHead(response.status ?? 200, headers).end(body);
    return;
  }
  res.writeHead(response.status ?? 200, headers);
  for (let offset = 0; offset < body.length; offset += 4096) res.write(body.subarray(offset, offset + 4096));
  res.end();
}

/** 127.a.b.c with a, b, c chosen so the address is never 127.0.0.1 nor a broadcast-looking one. */
export function randomLoopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}
