import type { Db } from '../db/client.ts';
import { classifyNotification, type Notification } from './read-notification.ts';

export interface FeedbackReportView {
  id: string;
  messageId: string;
  kind: string;
  mailFrom: string;
  rcptTo: string;
  size: number;
  createdAt: Date;
  /** The notification as received; null once retention removed it. */
  raw: Buffer | null;
  /** The notification read again (as the inbound MX read it); null once its text is gone. */
  parsed: Notification | null;
}

/**
 * A notification the inbound MX received about one of the project's messages, or null when the
 * project has no such message or the message no such report (another project's ids find nothing).
 */
export async function findFeedbackReport(db: Db, projectId: string, messageId: string, reportId: string): Promise<FeedbackReportView | null> {
  const row = await db.feedbackReport.findFirst({ where: { id: reportId, messageId, projectId } });
  if (!row?.messageId) return null;
  const raw = row.raw ? Buffer.from(row.raw) : null;
  return {
    id: row.id, messageId: row.messageId, kind: row.kind, mailFrom: row.mailFrom, rcptTo: row.rcptTo, size: row.size, createdAt: row.createdAt,
    raw, parsed: raw ? await classifyNotification(raw) : null,
  };
}
