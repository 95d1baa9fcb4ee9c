import { z } from 'zod';
import { MESSAGE_RULES } from '@herald/core';

/** The longest range each granularity may ask for: hourly points for a month, daily ones for a bit over a year. */
export const MAX_RANGE_DAYS = { hour: 31, day: 400 } as const;

export const statsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional().describe('Start of the range (rounded down to the hour); default: 7 days before `to`'),
    to: z.iso.datetime({ offset: true }).optional().describe('End of the range, exclusive (rounded up to the hour); default: now'),
    granularity: z.enum(['hour', 'day']).default('day').describe('One point per hour or per UTC day'),
    domain: z.string().max(253).optional().describe('Only messages sent from this sending domain (its name or id)'),
    tag: z.string().regex(MESSAGE_RULES.tag, MESSAGE_RULES.tagRule).optional().describe('Only messages with this tag (counts and latency)'),
  })
  .strict();

const counts = {
  accepted: z.number().int().describe('Recipients accepted (including suppressed ones)'),
  delivered: z.number().int(),
  deferred: z.number().int().describe('Deferred attempts (a recipient deferred twice counts twice)'),
  bounced_hard: z.number().int().describe('Bounces that suppress the address (bad mailbox, DNS)'),
  bounced_soft: z.number().int().describe('Other bounces (policy, message too large, …)'),
  failed: z.number().int().describe('Recipients given up on (expired after retries)'),
  complained: z.number().int(),
  unsubscribed: z.number().int(),
  suppressed: z.number().int().describe('Recipients accepted but not sent to: on the suppression list'),
};

export const statsView = z
  .object({
    from: z.string(),
    to: z.string(),
    granularity: z.enum(['hour', 'day']),
    domain: z.string().nullable(),
    tag: z.string().nullable(),
    totals: z.object(counts),
    series: z.array(z.object({ start: z.string(), ...counts })).describe('Only periods with activity are listed'),
    latency: z
      .object({
        delivered: z.number().int(),
        p50_ms: z.number().int().nullable(),
        p95_ms: z.number().int().nullable(),
      })
      .describe('Accepted (or send_at) to delivered; from power-of-two buckets, exact to within a bucket'),
    top_bounce_reasons: z.array(
      z.object({ category: z.string(), enhanced_code: z.string().nullable(), count: z.number().int(), sample_reply: z.string().nullable() }),
    ),
    top_recipient_domains: z.array(
      z.object({
        domain: z.string(),
        accepted: z.number().int(),
        delivered: z.number().int(),
        deferred: z.number().int(),
        bounced: z.number().int(),
        delivery_rate: z.number().nullable().describe('delivered / (delivered + bounced)'),
      }),
    ),
  })
  .meta({ id: 'Stats' });
