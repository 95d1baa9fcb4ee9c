import { createLogger, createStore, submit, type Db, type SendRequest, type Store } from '@herald/core';
import { testIntake, testPrincipal } from './intake.ts';

export interface SentMessage {
  id: string;
  recipients: { id: string; email: string; status: string }[];
  recipient(email: string): { id: string; email: string; status: string };
}

/**
 * A message accepted through the real intake from `app@<domain>` to `to`, then marked delivered to
 * every recipient, as the worker would have: what a late bounce, a complaint or an auto-reply is about.
 */
export async function deliveredMessage(db: Db, project: { id: string; domain: string }, to: string[], store: Store = createStore(db, { log: createLogger('test', 'silent') })): Promise<SentMessage> {
  const request: SendRequest = {
    from: { email: `app@${project.domain}` }, to: to.map((email) => ({ email })), cc: [], bcc: [], replyTo: [], subject: 'Receipt', text: 'hello',
    headers: [], attachments: [], tags: ['receipts'], metadata: {},
  };
  const { messages } = await submit(testIntake(store), testPrincipal(project.id), { kind: 'fields', messages: [request], batch: false }, { fieldPrefix: () => '', source: 'api' });
  const id = (messages[0] as { id: string }).id;
  await db.recipient.updateMany({ where: { messageId: id }, data: { status: 'delivered', finalAt: new Date() } });
  await db.message.update({ where: { id }, data: { status: 'delivered' } });
  const recipients = await db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' }, select: { id: true, email: true, status: true } });
  return {
    id,
    recipients,
    recipient(email) {
      const found = recipients.find((r) => r.email === email);
      if (!found) throw new Error(`no recipient ${email}`);
      return found;
    },
  };
}

/** A minimal RFC 3464 DSN, as Postfix writes one, about `recipient` (CRLF line endings, no final dot). */
export function dsnFor(recipient: string, options: { action?: string; status?: string; diagnostic?: string; subject?: string } = {}): string {
  const status = options.status ?? '5.1.1';
  return [
    'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)',
    'To: bounces@bounces.herald.test',
    `Subject: ${options.subject ?? 'Undelivered Mail Returned to Sender'}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'This is the mail system at host mx.example.org.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${options.action ?? 'failed'}`,
    `Status: ${status}`,
    'Remote-MTA: dns; mail.example.net',
    `Diagnostic-Code: smtp; ${options.diagnostic ?? `550 ${status} <${recipient}>: Recipient address rejected: User unknown`}`,
    '',
    '--b1--',
  ].join('\r\n');
}
