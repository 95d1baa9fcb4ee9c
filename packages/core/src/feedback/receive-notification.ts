import type { Store } from '../db/store.ts';
import { newId } from '../ids.ts';
import type { NewReport } from '../outcomes/write-outcomes.ts';
import type { InboundAddress } from './inbound-address.ts';
import { findIssuedMessage, issuedSubjectExists, type IssuedMessage } from './issued-delivery.ts';
import { messageByMessageId } from './message-by-message-id.ts';
import { rowsForNotification } from './notification-rows.ts';
import { classifyNotification, type Notification } from './read-notification.ts';
import { reportedSubject } from './reported-subject.ts';
import type { TokenSubject } from './signed-token.ts';
import type { TokenKey } from './token-keys.ts';
import { unsubscribeRecipient } from './unsubscribe-recipient.ts';

/**
 * Mail the inbound MX accepted for an address Herald issued, turned into what it means, in one
 * transaction through the outcome writer (write-outcomes.ts): the report row with the raw notification,
 * the recipients it changes, their events (and webhooks) and suppressions. Answers once committed, so
 * the listener answers 250 only then; throws DatabaseUnavailableError while Postgres is down, having
 * stored nothing.
 *
 *   - at a VERP return path: a DSN (failed: the recipient bounced, even if delivered; delayed: an
 *     event), a text bounce, a complaint, an auto-reply, or what could not be read
 *     (`unrecognized_bounce`, with the reason);
 *   - at the complaint mailbox: an abuse report, traced to its message by the signed return path it
 *     quotes, else by Herald's message id in its Message-ID or X-Herald-Message-Id, else by the stored
 *     Message-ID it quotes (message-by-message-id.ts);
 *   - at an unsubscribe mailbox: the recipient is unsubscribed (RFC 2369 mailto), whatever the mail says.
 *
 * Mail that names nothing Herald still has is kept as a report of no message (kind says what it was).
 */
export type InboundRecipient = Exclude<InboundAddress, { kind: 'refused' }>;

export interface ReceivedMail {
  raw: Buffer;
  /** The envelope sender ("" for the null sender bounces use). */
  mailFrom: string;
  rcptTo: string;
  address: InboundRecipient;
}

export interface ReceiveDeps {
  store: Store;
  /** The VERP keys a return path quoted inside a complaint is verified with. */
  verpKeys: readonly TokenKey[];
  now?: () => Date;
}

export type ReportKind = 'dsn' | 'complaint' | 'auto_reply' | 'text_bounce' | 'unrecognized' | 'unsubscribe';

export interface ReceiveResult {
  reportId: string;
  kind: ReportKind;
  /** The message it was attributed to; null when none. */
  messageId: string | null;
  /** The types of the events written. */
  events: string[];
}

const REPORT_KIND: Record<Notification['kind'], ReportKind> = {
  dsn: 'dsn', complaint: 'complaint', 'auto-reply': 'auto_reply', 'text-bounce': 'text_bounce', unrecognized: 'unrecognized',
};

export async function receiveNotification(deps: ReceiveDeps, mail: ReceivedMail): Promise<ReceiveResult> {
  const now = deps.now?.() ?? new Date();
  const reportId = newId('report', now.getTime());
  const notification = await classifyNotification(mail.raw);
  const kind = mail.address.kind === 'unsubscribe' ? 'unsubscribe' : REPORT_KIND[notification.kind];
  const report: Omit<NewReport, 'project_id' | 'message_id'> = {
    id: reportId, kind, mail_from: mail.mailFrom, rcpt_to: mail.rcptTo, size: mail.raw.length, raw: mail.raw, created_at: now,
  };
  const unattributed = async (): Promise<ReceiveResult> => {
    await deps.store.db.feedbackReport.create({
      data: { id: reportId, kind, mailFrom: mail.mailFrom, rcptTo: mail.rcptTo, size: mail.raw.length, raw: new Uint8Array(mail.raw), createdAt: now },
    });
    return { reportId, kind, messageId: null, events: [] };
  };

  const found = await subjectOf(deps, mail.address, notification);
  const message = found && (await findIssuedMessage(deps.store.db, found.subject));
  if (!found || !message) return unattributed();

  if (mail.address.kind === 'unsubscribe') {
    const recipient = unsubscribingRecipient(found.subject, message, [mail.mailFrom, notification.notification.from]);
    if (!recipient) return unattributed();
    const done = await unsubscribeRecipient(deps.store, recipient.id, 'mailto', { now, report });
    return done.ok ? { reportId, kind, messageId: done.messageId, events: ['unsubscribed'] } : unattributed();
  }

  const rows = rowsForNotification(notification, {
    message, subject: found.subject, authenticated: found.authenticated, reportId, now,
    notificationKey: notification.notification.messageId ?? reportId,
  });
  await deps.store.outcomes.write({
    message: { id: message.id, projectId: message.projectId, tags: message.tags, metadata: message.metadata },
    ...rows,
    report: { ...report, project_id: message.projectId, message_id: message.id },
  });
  return { reportId, kind, messageId: message.id, events: rows.events.map((e) => e.type) };
}

/** Which delivery the mail is about, and whether a signed token says so (rather than an unsigned header). */
async function subjectOf(
  deps: ReceiveDeps, address: InboundRecipient, notification: Notification,
): Promise<{ subject: TokenSubject; authenticated: boolean } | null> {
  if (address.kind === 'bounce' || address.kind === 'unsubscribe') return { subject: address.subject, authenticated: true };
  if (notification.kind !== 'complaint') return null;
  const reported = reportedSubject(deps.verpKeys, notification);
  if (reported && (reported.authenticated || (await issuedSubjectExists(deps.store.db, reported.subject)))) return reported;
  // last, the stored Message-ID (a message submitted over SMTP keeps its client's): it only points, like Herald's id
  const byMessageId = await messageByMessageId(deps.store.db, notification);
  return byMessageId ? { subject: { kind: 'message', id: byMessageId }, authenticated: false } : reported;
}

/** The recipient a mailto unsubscribe is from: the one its token names, else the message's only one, else the one whose address sent it. */
function unsubscribingRecipient(subject: TokenSubject, message: IssuedMessage, senders: (string | undefined)[]) {
  if (subject.kind === 'recipient') return message.recipients.find((r) => r.id === subject.id);
  if (message.recipients.length === 1) return message.recipients[0];
  const addresses = senders.filter((s): s is string => !!s).map((s) => s.toLowerCase());
  return message.recipients.find((r) => addresses.includes(r.email.toLowerCase()));
}
