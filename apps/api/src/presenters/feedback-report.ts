import type { FeedbackReportView, Notification } from '@herald/core';

/** A stored notification as the API shows it: the envelope, a summary of what was read, the raw text. */
export function presentFeedbackReport(r: FeedbackReportView) {
  return {
    id: r.id,
    message_id: r.messageId,
    kind: r.kind as 'dsn',
    received_at: r.createdAt.toISOString(),
    envelope: { mail_from: r.mailFrom, rcpt_to: r.rcptTo },
    size: r.size,
    summary: r.parsed ? summaryOf(r.parsed) : null,
    raw: r.raw ? r.raw.toString('utf8') : null,
  };
}

function summaryOf(n: Notification) {
  const recipients =
    n.kind === 'dsn'
      ? n.recipients.map((x) => ({ address: x.finalRecipient, action: x.action, status: x.status, diagnostic: x.diagnosticCode?.value ?? null, remote_mta: x.remoteMta?.value ?? null }))
      : n.kind === 'text-bounce'
        ? n.recipients.map((x) => ({ address: x.address, action: n.action, status: x.status ?? null, diagnostic: x.diagnostic ?? null, remote_mta: null }))
        : [];
  return {
    subject: n.notification.subject ?? null,
    from: n.notification.from ?? null,
    reporting_mta: (n.kind === 'dsn' || n.kind === 'complaint') && n.reportingMta ? n.reportingMta.value : null,
    recipients,
    feedback_type: n.kind === 'complaint' ? n.feedbackType : null,
    reason: n.kind === 'unrecognized' ? n.reason : null,
  };
}
