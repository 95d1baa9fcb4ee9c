import { BOUNCE_RULES } from '../outcomes/bounce-rules.ts';
import { classifyReply } from '../outcomes/classify-reply.ts';
import { HARD_BOUNCE_CATEGORIES, type BounceCategory } from '../outcomes/outcome.ts';
import { suppressionOf } from '../outcomes/record-outcomes.ts';
import type { SmtpReply } from '../outcomes/smtp-reply.ts';
import { eventRow, type NewEvent, type NewSuppression, type RecipientChange } from '../outcomes/write-outcomes.ts';
import type { IssuedMessage } from './issued-delivery.ts';

/**
 * What one received report does to one recipient (or, when it cannot say which, to the message), as
 * rows for the outcome writer. Every event names the report it came from (data.report_id) and carries
 * a dedupe key, so the same notification received twice (a sender that did not see Herald's 250)
 * adds nothing: a late bounce and a complaint happen once per recipient, a delay or an auto-reply
 * once per notification.
 */
export interface FeedbackRows {
  recipients: RecipientChange[];
  events: NewEvent[];
  suppressions: NewSuppression[];
}

export interface Context {
  message: IssuedMessage;
  reportId: string;
  /** What identifies the notification itself: its Message-ID, else the report's id. */
  notificationKey: string;
  now: Date;
}

type Recipient = IssuedMessage['recipients'][number];

/** What a late failure says about one recipient: the reply as an SMTP reply, the DSN fields for the event. */
export interface LateFailure {
  reply: SmtpReply;
  dsn: Record<string, string>;
  /** False when the report is about an address the mail was forwarded to: the event is kept, the address Herald sent to is not suppressed. */
  suppress: boolean;
}

/** The reply a report quotes, as SMTP would have given it: its code, else one of its status's class. */
export function reportedReply(fields: { smtpCode?: number; status?: string; diagnostic?: string }, defaultClass: 4 | 5): SmtpReply {
  const klass = fields.status ? Number(fields.status[0]) : defaultClass;
  const code = fields.smtpCode ?? klass * 100 + 50;
  return { code, enhanced: fields.status ?? null, text: fields.diagnostic ?? `${code}${fields.status ? ` ${fields.status}` : ''}` };
}

/** The category of a reported failure, by the rule table used for synchronous replies; a failure is final whatever its class. */
export function failureCategory(reply: SmtpReply): BounceCategory {
  const classification = classifyReply(reply.code >= 400 ? reply : { ...reply, code: 550 });
  return classification.action === 'delivered' ? 'other' : classification.category;
}

/** Whether the rule table or the codes can say anything about a failure described only in words. */
export function classifiable(fields: { smtpCode?: number; status?: string; diagnostic?: string }): boolean {
  return fields.smtpCode !== undefined || fields.status !== undefined || BOUNCE_RULES.some((r) => r.pattern.test(fields.diagnostic ?? ''));
}

/** A recipient that was sent (even delivered) becomes bounced; an address the mail was forwarded to is not suppressed. */
export function lateBounce(ctx: Context, recipient: Recipient, failure: LateFailure): FeedbackRows {
  const category = failureCategory(failure.reply);
  const { reply } = failure;
  const change: RecipientChange = {
    id: recipient.id, status: 'bounced', attempts: null, last_code: reply.code, last_enhanced: reply.enhanced, last_reply: reply.text,
    last_attempt_at: null, next_attempt_at: null, final_at: ctx.now, from: ['queued', 'deferred', 'delivered'],
  };
  const event = eventOf(ctx, recipient, 'bounced', `async-bounce:${recipient.id}`, { async: true, dsn: failure.dsn }, reply, category, failure.dsn.remote_mta);
  const outcome = { kind: 'bounced' as const, reply, category };
  const suppressions = failure.suppress && HARD_BOUNCE_CATEGORIES.has(category) ? suppressionOf(messageRef(ctx), { recipient: { ...recipient, attempts: 0 }, outcome }, ctx.now) : [];
  return { recipients: [change], events: [event], suppressions };
}

export function delayed(ctx: Context, recipient: Recipient, failure: Omit<LateFailure, 'suppress'>): FeedbackRows {
  const event = eventOf(ctx, recipient, 'delayed', `delayed:${recipient.id}:${ctx.notificationKey}`, { async: true, dsn: failure.dsn }, failure.reply, null, failure.dsn.remote_mta);
  return { recipients: [], events: [event], suppressions: [] };
}

/** A complaint: the `complained` event and, when the recipient is known for sure, the `complaint` suppression; the status stays. */
export function complaint(ctx: Context, recipient: Recipient | null, fields: { feedbackType: string; userAgent?: string }, suppress: boolean): FeedbackRows {
  const data = { feedback_type: fields.feedbackType, ...(fields.userAgent ? { user_agent: fields.userAgent } : {}) };
  const key = recipient ? `complained:${recipient.id}` : `complained:${ctx.message.id}:${ctx.notificationKey}`;
  const event = eventOf(ctx, recipient, 'complained', key, data, null, 'complaint');
  const suppressions = recipient && suppress ? suppressionOf(messageRef(ctx), { recipient: { ...recipient, attempts: 0 }, outcome: { kind: 'complained', reply: { code: 250, enhanced: null, text: '' } } }, ctx.now) : [];
  return { recipients: [], events: [event], suppressions };
}

export function autoReply(ctx: Context, recipient: Recipient | null, evidence: string): FeedbackRows {
  return { recipients: [], events: [eventOf(ctx, recipient, 'auto_reply', `auto_reply:${recipient?.id ?? ctx.message.id}:${ctx.notificationKey}`, { evidence })], suppressions: [] };
}

/** Mail at a return path that Herald could not read as a bounce: kept, with the reason, never dropped. */
export function unrecognized(ctx: Context, recipient: Recipient | null, reason: string): FeedbackRows {
  return { recipients: [], events: [eventOf(ctx, recipient, 'unrecognized_bounce', `unrecognized:${recipient?.id ?? ctx.message.id}:${ctx.notificationKey}`, { reason })], suppressions: [] };
}

export function merge(rows: FeedbackRows[]): FeedbackRows {
  return { recipients: rows.flatMap((r) => r.recipients), events: rows.flatMap((r) => r.events), suppressions: rows.flatMap((r) => r.suppressions) };
}

const messageRef = (ctx: Context) => ({ id: ctx.message.id, projectId: ctx.message.projectId });

function eventOf(
  ctx: Context, recipient: Recipient | null, type: NewEvent['type'], dedupeKey: string, data: Record<string, unknown>,
  reply: SmtpReply | null = null, category: BounceCategory | null = null, mxHost?: string,
): NewEvent {
  return eventRow({
    project_id: ctx.message.projectId, message_id: ctx.message.id, recipient_id: recipient?.id ?? null, email: recipient?.email ?? null,
    type, dedupe_key: dedupeKey, created_at: ctx.now, category,
    smtp_code: reply?.code ?? null, enhanced_code: reply?.enhanced ?? null, smtp_reply: reply?.text ?? null, mx_host: mxHost ?? null,
    data: { ...data, report_id: ctx.reportId },
  });
}
