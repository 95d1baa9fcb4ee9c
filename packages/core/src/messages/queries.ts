import type { Db, Prisma } from '../db/client.ts';
import type { MessageStatus } from '../generated/prisma/enums.ts';
import { normalizeEmail } from '../intake/address.ts';
import { afterPosition, keysetPage, newestFirst, rowsToFetch, type KeysetPage, type PageRequest } from '../pagination/keyset.ts';

/**
 * The reads of messages that the API, the dashboard and the compatible endpoints share. Every one is
 * scoped by project: another project's message id finds nothing (null), never its message. The raw
 * content lives in its own table (message_contents) and only findRawMessage reads it (it can be megabytes).
 */

/** A message's own columns (its raw content is not one of them). */
export type MessageRow = Prisma.MessageGetPayload<object>;
export type RecipientRow = Prisma.RecipientGetPayload<object>;
export type EventRow = Prisma.EventGetPayload<object>;

/** A message as lists show it: its columns and each recipient's address and status. */
export type MessageSummaryRow = MessageRow & { recipients: Pick<RecipientRow, 'email' | 'status'>[] };
/** A message with its recipients (in creation order) and its events (oldest first). */
export type MessageDetailRow = MessageRow & { recipients: RecipientRow[]; events: EventRow[] };
/** A message's status and each recipient's, in creation order (what intake and cancelling answer). */
export interface MessageStatusRow {
  id: string;
  status: MessageStatus;
  recipients: Pick<RecipientRow, 'email' | 'status'>[];
}

export interface MessageFilters {
  status?: MessageStatus | undefined;
  tag?: string | undefined;
  /** Messages with this recipient: compared without case, after the normalisation intake applies. */
  recipient?: string | undefined;
  /** Messages whose subject contains this text, without case. */
  subject?: string | undefined;
  /** Created at or after. */
  createdAfter?: Date | undefined;
  /** Created before. */
  createdBefore?: Date | undefined;
}

/**
 * A message's timeline reads oldest first. Time is created_at: an event's id carries its message's time
 * (ids.ts), so the id only makes the order total between events of the same instant.
 */
const OLDEST_FIRST: Prisma.EventOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { id: 'asc' }];

/** At most this many spellings of one address are looked for (they differ only in case). */
const MAX_SPELLINGS = 50;

/**
 * How the project's recipients spell an address, compared without case after the normalisation intake
 * applies: found through the index on (project_id, lower(email)), then matched exactly through the
 * index on (project_id, email). (Prisma's case-insensitive equals is an ILIKE, which no index serves,
 * and which reads `_` and `%` in an address as wildcards.)
 */
async function spellingsOf(db: Db, projectId: string, recipient: string): Promise<string[]> {
  const normalized = normalizeEmail(recipient);
  const email = normalized.ok ? normalized.email : recipient;
  const rows = await db.$queryRaw<{ email: string }[]>`
    SELECT DISTINCT email FROM recipients WHERE project_id = ${projectId} AND lower(email) = lower(${email}) LIMIT ${MAX_SPELLINGS}`;
  return rows.map((r) => r.email);
}

/** The project's messages, newest first, filtered (filters combine with AND), one page at a time. */
export async function listMessages(db: Db, projectId: string, filters: MessageFilters, page: PageRequest): Promise<KeysetPage<MessageSummaryRow>> {
  const where: Prisma.MessageWhereInput = { projectId };
  if (filters.status) where.status = filters.status;
  if (filters.tag) where.tags = { has: filters.tag };
  if (filters.recipient) where.recipients = { some: { projectId, email: { in: await spellingsOf(db, projectId, filters.recipient) } } };
  if (filters.subject) where.subject = { contains: filters.subject, mode: 'insensitive' };
  if (filters.createdAfter || filters.createdBefore) {
    where.createdAt = {
      ...(filters.createdAfter ? { gte: filters.createdAfter } : {}),
      ...(filters.createdBefore ? { lt: filters.createdBefore } : {}),
    };
  }
  if (page.after) where.AND = [afterPosition(page.after)];
  const rows = await db.message.findMany({
    where,
    orderBy: newestFirst(),
    take: rowsToFetch(page),
    include: { recipients: { select: { email: true, status: true }, orderBy: { id: 'asc' } } },
  });
  return keysetPage(rows, page.limit);
}

/** The project's message with its recipients and events, or null. */
export function findMessage(db: Db, projectId: string, id: string): Promise<MessageDetailRow | null> {
  return db.message.findFirst({
    where: { id, projectId },
    include: { recipients: { orderBy: { id: 'asc' } }, events: { orderBy: OLDEST_FIRST } },
  });
}

/** The project's message's status and its recipients' statuses, or null. */
export function findMessageStatus(db: Db, projectId: string, id: string): Promise<MessageStatusRow | null> {
  return db.message.findFirst({
    where: { id, projectId },
    select: { id: true, status: true, recipients: { select: { email: true, status: true }, orderBy: { id: 'asc' } } },
  });
}

/** Every event of the project's message, oldest first; null when the project has no such message. */
export async function listMessageEvents(db: Db, projectId: string, messageId: string): Promise<EventRow[] | null> {
  const found = await db.message.count({ where: { id: messageId, projectId } });
  if (!found) return null;
  return db.event.findMany({ where: { messageId, projectId }, orderBy: OLDEST_FIRST });
}

/**
 * The stored RFC 5322 content of the project's message (as intake built it, before signing), or null
 * when the project has no such message; `raw` is null once retention has removed the content (its
 * row in message_contents).
 */
export async function findRawMessage(db: Db, projectId: string, id: string): Promise<{ raw: Uint8Array | null } | null> {
  const message = await db.message.findFirst({ where: { id, projectId }, select: { content: { select: { raw: true } } } });
  return message ? { raw: message.content?.raw ?? null } : null;
}
