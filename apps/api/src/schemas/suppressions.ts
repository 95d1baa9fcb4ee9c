import { z } from 'zod';
import { normalizeEmail, SuppressionReason } from '@herald/core';

/** An address as suppressions store it: validated, then lower-cased whole (matching is case-insensitive). */
export const suppressedEmail = z.string().transform((value, ctx) => {
  const result = normalizeEmail(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  }
  return result.email.toLowerCase();
});

export const suppression = z
  .object({
    email: z.string(),
    reason: z.enum(SuppressionReason),
    note: z.string().nullable(),
    source_message_id: z.string().nullable().describe('The message whose bounce or complaint added it, if any'),
    created_at: z.string(),
  })
  .meta({ id: 'Suppression' });

export const createSuppressionBody = z
  .object({
    email: suppressedEmail,
    reason: z.enum(SuppressionReason).default('manual'),
    note: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateSuppressionRequest' });

export const listSuppressionsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    reason: z.enum(SuppressionReason).optional(),
    email: z.string().min(1).max(254).optional().describe('Addresses containing this text (case-insensitive)'),
  })
  .strict();

export const suppressionList = z
  .object({ data: z.array(suppression), next_cursor: z.string().nullable() })
  .meta({ id: 'SuppressionList' });

export const suppressionParams = z.object({ email: suppressedEmail.describe('The suppressed address') });
