import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

/** An RFC 3463 enhanced status code at the start of a reply text: class, subject, detail, then a space. */
export const ENHANCED_CODE = /^([245])\.\d{1,3}\.\d{1,3} /;

/**
 * A connection whose replies carry exactly one enhanced status code. With ENHANCEDSTATUSCODES on,
 * smtp-server puts one in front of every reply, derived from the reply's number (550 → 5.1.1) or from
 * its own context (RCPT_TO_OK → 2.1.5). That is right for its own replies ("503 5.5.1 Error: need MAIL
 * command") but wrong for Herald's, whose texts begin with the code that fits them ("550 5.7.1 …": a
 * 550 for a policy refusal is not 5.1.1, "bad destination mailbox"). A text that already begins with an
 * enhanced code is therefore sent as it is; smtp-server's `false` context means "add none".
 */
class OwnCodeConnection extends SMTPConnection {
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    super.send(code, data, typeof data === 'string' && ENHANCED_CODE.test(data) ? false : context);
  }
}

/**
 * smtp-server with ENHANCEDSTATUSCODES advertised (RFC 2034) and every reply but the greeting and the
 * EHLO/HELO answer carrying one code: smtp-server's for its own replies, Herald's own for the texts
 * of smtpError (see smtp-reply.ts). It differs from SMTPServer only in the connection class it makes:
 * `connect` is smtp-server 3.21's own, with OwnCodeConnection in place of SMTPConnection. The reply
 * test (replies.test.ts) checks every reply over a socket, so an upgrade that changes either is caught.
 */
export class EnhancedStatusServer extends SMTPServer {
  constructor(options: SMTPServerOptions) {
    super({ ...options, hideENHANCEDSTATUSCODES: false });
  }

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new OwnCodeConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data: Parameters<SMTPServer['_onClientConnect']>[0]) => this._onClientConnect(data));
    connection.init();
  }
}
