import type { SMTPServer, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import {
  domainOf,
  keyMayUseDomain,
  resolveSenderDomains,
  submit,
  type AcceptedMessage,
  type IntakeDeps,
  type KeyContext,
  type Log,
  type Store,
} from '@herald/core';
import { EnhancedStatusServer } from './enhanced-status-server.ts';
import { checkMailParameters, checkRcptParameters } from './esmtp-parameters.ts';
import { keyNoLongerValid, SessionKeys } from './session-keys.ts';
import type { SessionLimits } from './session-limits.ts';
import { envelopeAddress } from './envelope-address.ts';
import { replyForIntakeError, smtpError } from './smtp-reply.ts';
import type { TlsMaterial } from './tls-material.ts';

export interface SubmissionDeps {
  /** Intake, as every front end calls it (its Store also looks keys and sender domains up). */
  intake: IntakeDeps;
  limits: SessionLimits;
  settings: { hostname: string };
  tls: TlsMaterial;
  log: Log;
}

/**
 * The SMTP submission listener (RFC 6409, RFC 8314): AUTH PLAIN or LOGIN, offered only under TLS, with
 * an API key holding messages:send as the password (any user name). Nothing is relayed without AUTH.
 * MAIL FROM and the From header must be on a verified domain of the key's project; every recipient is
 * a plain address; SIZE is advertised and enforced; 250 after the final dot only once the message is
 * committed — the same intake as the API. The key is looked up again at each MAIL FROM and before each
 * commit (SessionKeys); connections, sessions and failed logins are limited across listeners (SessionLimits).
 */
export function createSubmissionServer(deps: SubmissionDeps, options: { secure: boolean }): SMTPServer {
  const keys = new SessionKeys(deps.intake.store, deps.log);
  const { limits, settings, log } = deps;
  const { maxMessageBytes, maxRecipients } = deps.intake.settings;

  const config: SMTPServerOptions = {
    secure: options.secure,
    key: deps.tls.key,
    cert: deps.tls.cert,
    name: settings.hostname,
    banner: 'Herald ESMTP submission',
    size: maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    // smtp-server's answer to MAIL, RCPT or DATA before AUTH (under TLS), after its code 530 5.7.0
    authRequiredMessage: 'Authentication required',
    allowInsecureAuth: false,
    // not offered, so their MAIL and RCPT parameters are refused (esmtp-parameters.ts)
    hideDSN: true,
    hideREQUIRETLS: true,
    disabledCommands: options.secure ? ['STARTTLS'] : [],
    logger: false,
    socketTimeout: 5 * 60_000,
    closeTimeout: 30_000,

    onConnect(session, callback) {
      // in clear text AUTH is neither advertised nor accepted (smtp-server would list it in EHLO);
      // onSecure gives it back once STARTTLS has completed
      if (!options.secure) session.disabledCommands = ['AUTH'];
      limits.admit(session.id, session.remoteAddress).then(
        (admission) => {
          if (admission === 'auth-blocked') return callback(smtpError(421, `4.7.0 ${settings.hostname} too many failed logins, try again later`));
          if (admission === 'too-many-connections') {
            return callback(smtpError(421, `4.7.0 ${settings.hostname} too many connections from your address, try again later`));
          }
          callback();
        },
        (err: unknown) => {
          log.error({ err }, 'SMTP connection limits failed: the connection is let through');
          callback();
        },
      );
    },

    onSecure(_socket, session, callback) {
      session.disabledCommands = undefined; // the listener's own list again
      callback();
    },

    onClose(session) {
      keys.forget(session.id);
      void limits.close(session.id);
    },

    onAuth(auth, session, callback) {
      const ip = session.remoteAddress;
      limits
        .authBlocked(ip)
        .then(async (blocked) => {
          if (blocked) return callback(smtpError(421, '4.7.0 too many failed logins, try again later'));
          const key = await keys.login(auth.password ?? '');
          if (!key) {
            await limits.authFailed(ip);
            return callback(smtpError(535, '5.7.8 Authentication credentials invalid: the password must be an API key with messages:send'));
          }
          const slot = await limits.openKeySession(session.id, key.context.apiKeyId);
          // the client left while the key was looked up: nothing is held for it
          if (slot === 'closed') return callback(smtpError(421, '4.4.2 connection closed'));
          if (slot === 'too-many-sessions') return callback(smtpError(454, '4.7.0 too many sessions for this API key, try again later'));
          keys.remember(session.id, key);
          callback(null, { user: key.context.apiKeyId });
        })
        .catch((err: unknown) => {
          log.error({ err }, 'SMTP AUTH failed on a server error');
          callback(smtpError(454, '4.7.0 Temporary authentication failure'));
        });
    },

    onMailFrom(address, session, callback) {
      if (!keys.has(session.id)) return callback(smtpError(530, session.secure ? '5.7.0 Authentication required' : '5.7.0 Must issue a STARTTLS command first'));
      const unsupported = checkMailParameters(address);
      if (unsupported) return callback(unsupported);
      const sender = envelopeAddress(address.address, 'sender', session.envelope.smtpUtf8 === true);
      if (!sender.ok) return callback(sender.error);
      keys
        .current(session.id)
        .then(async (context) => {
          if (!context) return keyNoLongerValid();
          const refusal = await checkSenderDomain(deps.intake.store, context, sender.domain);
          return refusal ? smtpError(550, `5.7.1 ${refusal}`) : null;
        })
        .then(
          (refusal) => callback(refusal),
          (err: unknown) => callback(replyForIntakeError(err)),
        );
    },

    onRcptTo(address, session, callback) {
      if (!keys.has(session.id)) return callback(smtpError(530, '5.7.0 Authentication required'));
      const unsupported = checkRcptParameters(address);
      if (unsupported) return callback(unsupported);
      const recipient = envelopeAddress(address.address, 'recipient', session.envelope.smtpUtf8 === true);
      if (!recipient.ok) return callback(recipient.error);
      if (session.envelope.rcptTo.length >= maxRecipients) {
        return callback(smtpError(452, `4.5.3 Too many recipients: at most ${maxRecipients} per message`));
      }
      callback();
    },

    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // a message over the limit is refused (552) whatever it holds: keep nothing of it in memory
        if (size <= maxMessageBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (!keys.has(session.id)) return callback(smtpError(530, '5.7.0 Authentication required'));
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 Message too big: the limit is ${maxMessageBytes} bytes`));
        // the key is looked up again right before the commit: one revoked since MAIL FROM stores nothing
        keys
          .current(session.id)
          .then((context) => {
            if (!context) throw keyNoLongerValid();
            return submitMessage(deps, context, session, Buffer.concat(chunks));
          })
          .then(
            (id) => callback(null, `2.0.0 Ok: queued as ${id}`),
            (err: unknown) => {
              if (!(err as { responseCode?: number }).responseCode) log.warn({ err }, 'SMTP submission refused');
              callback((err as { responseCode?: number }).responseCode ? (err as Error) : replyForIntakeError(err));
            },
          );
      });
    },
  };
  const server = new EnhancedStatusServer(config);
  server.on('error', (err) => log.warn({ err: err.message }, 'SMTP listener error'));
  return server;
}

/** Why MAIL FROM's domain may not send for this key, or null: the key's domain limits, then whether the project may send from it. */
async function checkSenderDomain(store: Store, context: KeyContext, domain: string): Promise<string | null> {
  if (!keyMayUseDomain(context, domain)) return `this API key is limited to ${context.domains.join(', ')}; it cannot send from ${domain}`;
  const resolved = (await resolveSenderDomains(store, context.projectId, [domain])).get(domain);
  return resolved?.ok ? null : (resolved?.reason ?? `${domain} is not a sending domain of this project`);
}

/** The message through intake, as the API's are: answers its id once it is committed. */
async function submitMessage(deps: SubmissionDeps, context: KeyContext, session: SMTPServerSession, raw: Buffer): Promise<string> {
  const recipients = session.envelope.rcptTo.map((r) => r.address);
  const { messages, replayed } = await submit(deps.intake, context, { kind: 'raw', raw, recipients }, { fieldPrefix: () => 'header.', source: 'smtp' });
  const id = (messages[0] as AcceptedMessage).id;
  deps.log.info({ messageId: id, recipients: recipients.length, replayed, from: domainOf(session.envelope.mailFrom ? session.envelope.mailFrom.address : '') }, 'message submitted over SMTP');
  return id;
}
