import { maxHeaderSize, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { HeraldError, type Log } from '@herald/core';

/**
 * What Node's HTTP layer refuses before fastify sees a request, answered in Herald's error shape with
 * a registry code instead of Node's or fastify's own bodies: a request the parser cannot read (bad
 * framing, control characters in a header, a malformed request line), headers over the size limit, a
 * request that does not arrive in time, an Expect other than 100-continue, and HTTP/1.1 without Host.
 */

interface ClientError extends Error {
  code?: string;
  /** llhttp's explanation, e.g. "Invalid header value char". */
  reason?: string;
}

/** The registry error for what the HTTP parser refused. */
export function clientErrorOf(err: ClientError): HeraldError {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return new HeraldError('header_fields_too_large', `the request line and headers are larger than ${maxHeaderSize} bytes`);
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new HeraldError('request_timeout', 'the request did not arrive completely in time');
  const reason = (err.reason ?? err.code ?? 'unreadable').replace(/[^\x20-\x7e]/g, '');
  return new HeraldError('bad_request', `the request is not valid HTTP/1.1: ${reason}`);
}

/** A complete HTTP/1.1 response carrying the error, after which the connection closes. */
function rawResponse(error: HeraldError): string {
  const body = JSON.stringify(error.toJSON());
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** fastify's `clientErrorHandler` option: Node's 'clientError' event, answered on the raw socket. */
export function clientErrorHandler(log: Log) {
  return function answerClientError(err: ClientError, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const error = clientErrorOf(err);
    // never `err` itself: its rawPacket holds what was read of the request, Authorization included
    log.debug({ code: err.code, status: error.status }, `refused a request Node could not read: ${error.code}`);
    // a response already begun on this connection (to a pipelined request) cannot be followed by another
    const begun = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage?.headersSent;
    if (!socket.writable || begun) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(error), () => socket.destroy());
  };
}

/**
 * Answers an unmet Expect (Node's own answer is a bare 417) and, with Node's `requireHostHeader`
 * turned off (its refusal is a bare 400), HTTP/1.1 requests without Host.
 */
export function registerHttpErrorAnswers(app: FastifyInstance): void {
  app.server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify(new HeraldError('expectation_failed', 'Expect: only 100-continue is supported').toJSON());
    response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    response.end(body);
  });
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new HeraldError('bad_request', 'an HTTP/1.1 request must have a Host header');
    }
  });
}
