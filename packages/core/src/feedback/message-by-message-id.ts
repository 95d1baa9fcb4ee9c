import type { Db } from '../db/client.ts';
import type { ComplaintReport } from './parse-arf.ts';

/**
 * The message an abuse report is about when all it quotes is the returned message's Message-ID (no
 * signed return path, no Herald id): the message whose stored Message-ID (messages.message_id_header,
 * indexed) is that one. A message submitted over SMTP keeps the Message-ID its client wrote, so this is
 * how such a message is found.
 *
 * A Message-ID is no secret and not Herald's to choose: every recipient of the message has seen it,
 * and any client can submit another message with the same one (in another project, say). So:
 *   - when the report names the complaining recipient (Original-Rcpt-To), only messages sent to that
 *     address count: a report naming someone else is not about this message;
 *   - the match must be unique; two or more candidates left (or none) trace nothing, never a guess.
 * What a match found this way may change is decided with the other unauthenticated matches
 * (notification-rows.ts): the complaint is recorded, and only a message's sole recipient is suppressed.
 */
export interface MessageCandidate {
  id: string;
  recipients: { email: string }[];
}

/** More messages with the same Message-ID than this are read as "ambiguous" without looking further. */
const MAX_CANDIDATES = 20;

const lower = (address: string) => address.toLowerCase();

/** The one candidate the report can be about, by the rules above; null when none or several. */
export function pickReportedMessage(candidates: readonly MessageCandidate[], reportedRecipients: readonly string[]): string | null {
  const named = new Set(reportedRecipients.map(lower));
  const left = named.size === 0 ? candidates : candidates.filter((c) => c.recipients.some((r) => named.has(lower(r.email))));
  return left.length === 1 ? (left[0] as MessageCandidate).id : null;
}

/** Looks the report's quoted Message-ID up (one indexed query); the message's id, or null. */
export async function messageByMessageId(db: Db, report: ComplaintReport): Promise<string | null> {
  const messageId = report.originalHeaders?.messageId;
  if (!messageId) return null;
  const candidates = await db.message.findMany({
    where: { messageIdHeader: messageId },
    select: { id: true, recipients: { select: { email: true } } },
    take: MAX_CANDIDATES + 1,
  });
  if (candidates.length > MAX_CANDIDATES) return null;
  return pickReportedMessage(candidates, report.originalRcptTo);
}
