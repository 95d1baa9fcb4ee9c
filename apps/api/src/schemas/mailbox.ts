import { z } from 'zod';
import { parseMailbox, type Mailbox } from '@herald/core';

const mailboxInput = z.union([
  z.string().describe('"addr@example.com" or "Name <addr@example.com>"'),
  z.object({ email: z.string(), name: z.string().optional() }).strict(),
]);

/** A mailbox in any accepted form, validated and normalised by core's parser (the same rules as SMTP). */
export const mailbox = mailboxInput.transform((value, ctx): Mailbox => {
  const parsed = parseMailbox(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return parsed.mailbox;
});

/** One mailbox or a list of them; always an array after parsing. */
export const mailboxList = z
  .union([mailbox, z.array(mailbox)])
  .transform((value) => (Array.isArray(value) ? value : [value]));
