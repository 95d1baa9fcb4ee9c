import { z } from 'zod';

export const reportParams = z.object({
  id: z.string().describe('Message id (msg_…)'),
  report_id: z.string().max(100).describe('Report id (rpt_…), as an event’s report_id gives it'),
});

const reportedRecipient = z.object({
  address: z.string(),
  action: z.string().nullable().describe('failed, delayed, delivered, relayed or expanded (RFC 3464); a text bounce: failed, delayed or unknown'),
  status: z.string().nullable().describe('RFC 3463 status code'),
  diagnostic: z.string().nullable().describe('The reply the reporting server quotes'),
  remote_mta: z.string().nullable(),
});

export const feedbackReportView = z
  .object({
    id: z.string(),
    message_id: z.string(),
    kind: z.enum(['dsn', 'complaint', 'auto_reply', 'text_bounce', 'unrecognized', 'unsubscribe']).describe('What the inbound MX read the notification as'),
    received_at: z.string(),
    envelope: z.object({ mail_from: z.string().describe('"" for the null sender bounces use'), rcpt_to: z.string() }),
    size: z.number().int(),
    summary: z
      .object({
        subject: z.string().nullable(),
        from: z.string().nullable(),
        reporting_mta: z.string().nullable(),
        recipients: z.array(reportedRecipient).describe('The recipients a DSN or text bounce reports on'),
        feedback_type: z.string().nullable().describe('A complaint’s Feedback-Type (abuse, fraud, …)'),
        reason: z.string().nullable().describe('Why an unrecognized notification was not understood'),
      })
      .nullable()
      .describe('The notification as read; null once retention removed its text'),
    raw: z.string().nullable().describe('The notification as received (RFC 5322); null once retention removed it (HERALD_RETENTION_RAW)'),
  })
  .meta({ id: 'FeedbackReport' });
