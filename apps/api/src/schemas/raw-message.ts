import { z } from 'zod';
import { normalizeEmail } from '@herald/core';
import { attachment } from './send-message.ts';

/** An envelope recipient, as SMTP's RCPT TO takes it: a bare address, checked by core's rules. */
const envelopeRecipient = z
  .string()
  .max(320)
  .superRefine((address, ctx) => {
    const normalized = normalizeEmail(address);
    if (!normalized.ok) ctx.addIssue({ code: 'custom', message: normalized.reason });
  })
  .describe('A bare address (no display name), as in SMTP RCPT TO');

/**
 * A message given whole over HTTP: the bytes an SMTP client would send after DATA (base64) and its
 * envelope. Read by the same rules as a message submitted over SMTP (intake's `raw` kind).
 */
export const sendRawMessageBody = z
  .object({
    raw: attachment.shape.content.describe(
      'The RFC 5322 message, base64. Its From must be on a verified domain of the project; X-Herald-Tags, X-Herald-Metadata-<key>, X-Herald-Unsubscribe and X-Herald-Template work as over SMTP; Bcc and Return-Path are removed; its Message-ID is kept (one is added when missing)',
    ),
    recipients: z
      .array(envelopeRecipient)
      .min(1, 'at least one recipient is required')
      .describe('The envelope recipients (each gets a copy); those not in To or Cc are Bcc recipients'),
  })
  .strict()
  .meta({ id: 'SendRawMessageRequest' });
