import type { EventRow, MessageDetailRow, MessageRow, MessageSummaryRow } from '@herald/core';

/** An SMTP reply as the API shows it, or null when there was none. */
function smtpReply(code: number | null, enhanced: string | null, text: string | null) {
  return code === null && text === null ? null : { code, enhanced_code: enhanced, message: text };
}

export function presentEvent(e: EventRow) {
  return {
    id: e.id,
    type: e.type,
    recipient: e.email,
    created_at: e.createdAt.toISOString(),
    attempt: e.attempt,
    smtp: smtpReply(e.smtpCode, e.enhancedCode, e.smtpReply),
    category: e.category,
    mx_host: e.mxHost,
    mx_ip: e.mxIp,
    tls: e.tlsVersion || e.tlsCipher ? { version: e.tlsVersion, cipher: e.tlsCipher, verified: e.tlsVerified } : null,
    duration_ms: e.durationMs,
    dkim: dkimOf(e.data),
    report_id: reportIdOf(e.data),
  };
}

/** The signatures an attempt's copy carried (data.dkim, written with the attempt's outcome). */
function dkimOf(data: unknown): { domain: string; selector: string; algorithm: string }[] {
  const list = data && typeof data === 'object' ? (data as { dkim?: unknown }).dkim : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    const { domain, selector, algorithm } = (entry ?? {}) as Record<string, unknown>;
    return typeof domain === 'string' && typeof selector === 'string' && typeof algorithm === 'string' ? [{ domain, selector, algorithm }] : [];
  });
}

/** The report an event was learned from (data.report_id, written by the inbound MX). */
function reportIdOf(data: unknown): string | null {
  const id = data && typeof data === 'object' ? (data as { report_id?: unknown }).report_id : undefined;
  return typeof id === 'string' ? id : null;
}

function presentFields(m: MessageRow) {
  return {
    id: m.id,
    status: m.status,
    from: { email: m.fromEmail, name: m.fromName },
    subject: m.subject,
    tags: m.tags,
    metadata: (m.metadata ?? {}) as Record<string, string>,
    created_at: m.createdAt.toISOString(),
    send_at: m.sendAt?.toISOString() ?? null,
    unsubscribe: m.unsubscribe,
  };
}

export function presentSummary(m: MessageSummaryRow) {
  return { ...presentFields(m), recipients: m.recipients.map((r) => ({ email: r.email, status: r.status })) };
}

export function presentMessage(m: MessageDetailRow) {
  return {
    ...presentFields(m),
    message_id: m.messageIdHeader,
    size: m.rawSize,
    template:
      m.templateId !== null && m.templateVersion !== null
        ? {
            id: m.templateId,
            version: m.templateVersion,
            layout: m.templateLayoutId !== null && m.templateLayoutVersion !== null ? { id: m.templateLayoutId, version: m.templateLayoutVersion } : null,
          }
        : null,
    recipients: m.recipients.map((r) => ({
      email: r.email,
      kind: r.kind,
      status: r.status,
      attempts: r.attempts,
      last_reply: smtpReply(r.lastCode, r.lastEnhanced, r.lastReply),
      next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
    })),
    events: m.events.map(presentEvent),
  };
}
