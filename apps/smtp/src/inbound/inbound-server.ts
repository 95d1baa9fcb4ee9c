import type { SMTPServer, SMTPServerOptions } from 'smtp-server';
import {
  isDatabaseUnavailable,
  isReturnPathDomain,
  issuedSubjectExists,
  receiveNotification,
  recognizeInboundAddress,
  type InboundRecipient,
  type Log,
  type Store,
  type TokenKey,
} from '@herald/core';
import { EnhancedStatusServer } from '../enhanced-status-server.ts';
import { checkMailParameters, checkRcptParameters } from '../esmtp-parameters.ts';
import type { SessionLimits } from '../session-limits.ts';
import { smtpError } from '../smtp-reply.ts';
import type { TlsMaterial } from '../tls-material.ts';

export interface InboundDeps {
  store: Store;
  /** The feedback token keys (VERP and unsubscribe, current and still accepted versions). */
  keys: readonly TokenKey[];
  limits: SessionLimits;
  settings: { hostname: string; maxBytes: number; complaintMailbox: string; bounceHost?: string | undefined };
  tls: TlsMaterial;
  log: Log;
}

/** Recipients one transaction may name: a notification goes to one address; a few are tolerated. */
export const MAX_INBOUND_RECIPIENTS = 10;

/**
 * The inbound MX of the bounce host. It takes mail only for addresses Herald issued
 * (recognizeInboundAddress: a signed return path or unsubscribe mailbox of a message that still
 * exists, or the complaint mailbox, at one of Herald's return-path domains) and refuses every other
 * RCPT with 550 5.7.1, so it never relays and never accepts what it would have to bounce (no
 * backscatter: it sends no mail at all). No AUTH; STARTTLS offered; SIZE advertised and enforced (552).
 * The final dot is answered 250 only once what the mail means is committed (receiveNotification);
 * 451 4.3.0 while Postgres is down, with nothing stored.
 */
export function createInboundServer(deps: InboundDeps): SMTPServer {
  const { limits, settings, log } = deps;
  /** The accepted recipients of each session's current transaction. */
  const accepted = new Map<string, { rcptTo: string; address: InboundRecipient }[]>();
  const rules = (own: boolean) => ({ keys: deps.keys, isOwnDomain: () => own, complaintMailbox: settings.complaintMailbox });
  const temporary = (err: unknown, what: string) => {
    if (!isDatabaseUnavailable(err)) log.error({ err }, `inbound MX: ${what} failed`);
    return smtpError(451, '4.3.0 Temporary local problem: nothing was stored, try again later');
  };

  const config: SMTPServerOptions = {
    secure: false,
    key: deps.tls.key,
    cert: deps.tls.cert,
    name: settings.hostname,
    banner: 'Herald ESMTP inbound',
    size: settings.maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH'],
    hideDSN: true,
    hideREQUIRETLS: true,
    logger: false,
    socketTimeout: 5 * 60_000,
    closeTimeout: 30_000,

    onConnect(session, callback) {
      limits.admit(session.id, session.remoteAddress).then(
        (admission) => {
          if (admission !== 'ok') return callback(smtpError(421, `4.7.0 ${settings.hostname} too many connections from your address, try again later`));
          callback();
        },
        (err: unknown) => {
          log.error({ err }, 'inbound MX connection limits failed: the connection is let through');
          callback();
        },
      );
    },

    onClose(session) {
      accepted.delete(session.id);
      void limits.close(session.id);
    },

    onMailFrom(address, session, callback) {
      accepted.set(session.id, []);
      callback(checkMailParameters(address));
    },

    onRcptTo(address, session, callback) {
      const unsupported = checkRcptParameters(address);
      if (unsupported) return callback(unsupported);
      const list = accepted.get(session.id) ?? [];
      if (list.length >= MAX_INBOUND_RECIPIENTS) return callback(smtpError(452, `4.5.3 Too many recipients: at most ${MAX_INBOUND_RECIPIENTS} per message`));
      const rcptTo = address.address;
      const domain = rcptTo.slice(rcptTo.lastIndexOf('@') + 1);
      const refused = () => smtpError(550, '5.7.1 Recipient address rejected: not an address this server issued (this server relays nothing)');
      isReturnPathDomain(deps.store.db, domain, settings.bounceHost)
        .then(async (own) => {
          const recognized = recognizeInboundAddress(rcptTo, rules(own));
          if (recognized.kind === 'refused') {
            log.info({ reason: recognized.reason, ip: session.remoteAddress }, 'inbound MX refused a recipient');
            return refused();
          }
          // a genuine token of a message that is gone (or never committed) is refused as well
          if (recognized.kind !== 'complaints' && !(await issuedSubjectExists(deps.store.db, recognized.subject))) return refused();
          list.push({ rcptTo, address: recognized });
          accepted.set(session.id, list);
          return null;
        })
        .then(
          (refusal) => callback(refusal),
          (err: unknown) => callback(temporary(err, 'RCPT')),
        );
    },

    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // over the limit: keep nothing of it in memory, the answer is 552 whatever it holds
        if (size <= settings.maxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || size > settings.maxBytes) return callback(smtpError(552, `5.3.4 Message too big: the limit is ${settings.maxBytes} bytes`));
        const raw = Buffer.concat(chunks);
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const recipients = accepted.get(session.id) ?? [];
        (async () => {
          const ids: string[] = [];
          for (const { rcptTo, address } of recipients) {
            const result = await receiveNotification({ store: deps.store, verpKeys: deps.keys.filter((k) => k.purpose === 'verp') }, { raw, mailFrom, rcptTo, address });
            log.info({ reportId: result.reportId, kind: result.kind, messageId: result.messageId, events: result.events }, 'inbound notification recorded');
            ids.push(result.reportId);
          }
          return ids;
        })().then(
          (ids) => callback(null, `2.0.0 Ok: received as ${ids.join(', ')}`),
          (err: unknown) => callback(temporary(err, 'recording a notification')),
        );
      });
    },
  };
  const server = new EnhancedStatusServer(config);
  server.on('error', (err) => log.warn({ err: err.message }, 'inbound MX listener error'));
  return server;
}
