import { attributeReport, type Attribution } from './attribute-report.ts';
import {
  autoReply, classifiable, complaint, delayed, lateBounce, merge, reportedReply, unrecognized, type Context, type FeedbackRows,
} from './feedback-events.ts';
import type { IssuedMessage } from './issued-delivery.ts';
import type { DsnReport } from './parse-dsn.ts';
import type { TextBounce } from './parse-text-bounce.ts';
import type { Notification } from './read-notification.ts';
import type { TokenSubject } from './signed-token.ts';

/**
 * What a notification about one of Herald's messages changes, as rows for the outcome writer. Only
 * recipients of the delivery its return path names can be changed (attribute-report.ts); one the
 * report cannot be traced to gets an event of the message instead of a change, never a guess.
 */
export interface NotificationContext extends Context {
  subject: TokenSubject;
  /** Whether a signed token names the delivery (a Message-ID alone only points: nothing is suppressed on it). */
  authenticated: boolean;
}

type Recipient = IssuedMessage['recipients'][number];

export function rowsForNotification(notification: Notification, ctx: NotificationContext): FeedbackRows {
  switch (notification.kind) {
    case 'dsn':
      return dsnRows(notification, ctx);
    case 'text-bounce':
      return textBounceRows(notification, ctx);
    case 'complaint': {
      const reported = notification.originalRcptTo.map((address) => ({ address }));
      const matched = reported.length ? attributeReport(ctx.subject, ctx.message.recipients, reported).matched : [];
      // traced only by an unsigned id, a report naming an address that is not a recipient is about nobody here
      const fallback = ctx.authenticated || reported.length === 0 ? soleRecipient(ctx) : undefined;
      const recipient = recipientById(ctx, matched[0]?.recipientId) ?? fallback;
      // a complaint traced only by an unsigned Message-ID suppresses nobody but a message's only recipient
      const suppress = ctx.authenticated || ctx.message.recipients.length === 1;
      return complaint(ctx, recipient ?? null, { feedbackType: notification.feedbackType, ...(notification.userAgent ? { userAgent: notification.userAgent } : {}) }, suppress);
    }
    case 'auto-reply': {
      const from = notification.notification.from?.toLowerCase();
      const recipient = soleRecipient(ctx) ?? ctx.message.recipients.find((r) => r.email.toLowerCase() === from);
      return autoReply(ctx, recipient ?? null, notification.evidence);
    }
    case 'unrecognized':
      return unrecognized(ctx, soleRecipient(ctx) ?? null, notification.reason);
  }
}

function dsnRows(dsn: DsnReport, ctx: NotificationContext): FeedbackRows {
  const attribution = attributeReport(
    ctx.subject, ctx.message.recipients, dsn.recipients.map((r) => ({ address: r.finalRecipient, ...(r.originalRecipient ? { originalAddress: r.originalRecipient } : {}) })),
  );
  if (attribution.matched.length === 0) return unrecognized(ctx, soleRecipient(ctx) ?? null, notTraced(attribution));
  return merge(
    attribution.matched.flatMap(({ recipientId, index, by }) => {
      const reported = dsn.recipients[index];
      const recipient = recipientById(ctx, recipientId);
      if (!reported || !recipient || (reported.action !== 'failed' && reported.action !== 'delayed')) return [];
      const diagnostic = reported.diagnosticCode?.value;
      const reply = reportedReply({ status: reported.status, ...(reported.smtpCode ? { smtpCode: reported.smtpCode } : {}), ...(diagnostic ? { diagnostic } : {}) }, reported.action === 'failed' ? 5 : 4);
      const fields: Record<string, string> = { action: reported.action, status: reported.status };
      if (diagnostic) fields.diagnostic_code = diagnostic;
      if (reported.remoteMta) fields.remote_mta = reported.remoteMta.value;
      if (dsn.reportingMta) fields.reporting_mta = dsn.reportingMta.value;
      return reported.action === 'failed' ? [lateBounce(ctx, recipient, { reply, dsn: fields, suppress: by !== 'return-path' })] : [delayed(ctx, recipient, { reply, dsn: fields })];
    }),
  );
}

/** A text bounce changes a recipient only where its codes or the rule table say what the failure is. */
function textBounceRows(bounce: TextBounce, ctx: NotificationContext): FeedbackRows {
  const attribution = attributeReport(ctx.subject, ctx.message.recipients, bounce.recipients.map((r) => ({ address: r.address })));
  if (attribution.matched.length === 0) return unrecognized(ctx, soleRecipient(ctx) ?? null, notTraced(attribution));
  return merge(
    attribution.matched.flatMap(({ recipientId, index, by }) => {
      const reported = bounce.recipients[index];
      const recipient = recipientById(ctx, recipientId);
      if (!reported || !recipient) return [];
      const reply = reportedReply(reported, bounce.action === 'delayed' ? 4 : 5);
      const fields: Record<string, string> = { action: bounce.action, format: bounce.format };
      if (reported.status) fields.status = reported.status;
      if (reported.diagnostic) fields.diagnostic_code = reported.diagnostic;
      if (bounce.action === 'delayed') return [delayed(ctx, recipient, { reply, dsn: fields })];
      const permanent = bounce.action === 'failed' || reply.code >= 500;
      if (!classifiable(reported)) return [unrecognized(ctx, recipient, `a ${bounce.format} notice that gives no reply code, status or reason the bounce rules know`)];
      if (!permanent) return [unrecognized(ctx, recipient, `a ${bounce.format} notice that does not say whether the failure is permanent`)];
      return [lateBounce(ctx, recipient, { reply, dsn: { ...fields, action: 'failed' }, suppress: by !== 'return-path' })];
    }),
  );
}

function recipientById(ctx: Context, id: string | undefined): Recipient | undefined {
  return id === undefined ? undefined : ctx.message.recipients.find((r) => r.id === id);
}

/** The recipient the return path names, or the message's only one. */
function soleRecipient(ctx: NotificationContext): Recipient | undefined {
  if (ctx.subject.kind === 'recipient') return recipientById(ctx, ctx.subject.id);
  return ctx.message.recipients.length === 1 ? ctx.message.recipients[0] : undefined;
}

function notTraced(attribution: Attribution): string {
  const reasons = attribution.ignored.map((i) => `${i.address}: ${i.reason}`);
  return `the report names no recipient of this delivery${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}
