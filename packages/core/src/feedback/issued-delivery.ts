import type { Db } from '../db/client.ts';
import type { TokenSubject } from './signed-token.ts';

/**
 * The message a signed token names (its own id, or the message of the recipient it names), with what
 * the inbound MX needs to attribute a report to it. Null when there is no such message (never sent,
 * or deleted since): the listener refuses such an address at RCPT.
 */
export interface IssuedMessage {
  id: string;
  projectId: string;
  tags: string[];
  metadata: unknown;
  recipients: { id: string; email: string; status: string }[];
}

export async function findIssuedMessage(db: Db, subject: TokenSubject): Promise<IssuedMessage | null> {
  return db.message.findFirst({
    where: subject.kind === 'message' ? { id: subject.id } : { recipients: { some: { id: subject.id } } },
    select: { id: true, projectId: true, tags: true, metadata: true, recipients: { select: { id: true, email: true, status: true }, orderBy: { id: 'asc' } } },
  });
}

/**
 * The recipient an id from outside names (a return path, an unsubscribe link or mailbox), as a Prisma
 * filter: the recipient with its message, both found by primary key. No foreign key ties a recipient to
 * its message (docs/partitioning.md#foreign-keys): one left behind by a message deleted by hand is no
 * recipient Herald answers for.
 */
export const issuedRecipient = (id: string) => ({ id, message: { is: {} } });

/** Whether the subject of a token still exists (the message, or the recipient with its message), for the RCPT decision. */
export async function issuedSubjectExists(db: Db, subject: TokenSubject): Promise<boolean> {
  const found =
    subject.kind === 'message'
      ? await db.message.findUnique({ where: { id: subject.id }, select: { id: true } })
      : await db.recipient.findFirst({ where: issuedRecipient(subject.id), select: { id: true } });
  return found !== null;
}
