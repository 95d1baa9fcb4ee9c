import { z } from 'zod';
import { parseMailbox, type Mailbox } from '@herald/core';

function mailboxInput() {
  return z.union([
    z.string().describe('"addr@example.com" or "Name <addr@example.com>"; the part before the @ may be UTF-8 ("jürgen@example.de", normalised to NFC), which needs SMTPUTF8 at the receiving server'),
    z.object({ email: z.string(), name: z.string().optional() }).strict(),
  ]);
}

/** Parses with core's rules (the same as SMTP), reporting a problem at the given path. */
function parseAt(value: string | { email: string; name?: string | undefined }, ctx: z.RefinementCtx, path: (string | number)[]): Mailbox {
  const parsed = parseMailbox(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason, path });
    return { email: '' };
  }
  return parsed.mailbox;
}

/** A mailbox in any accepted form ("addr", "Name <addr>" or {email, name}), validated and normalised. */
export const mailbox = mailboxInput().transform((value, ctx) => parseAt(value, ctx, []));

/**
 * One mailbox or a list of them; always an array after parsing. The union's branches are plain input
 * schemas and the parsing happens once, after: fastify-type-provider-zod drops union branches that
 * are transforms from the OpenAPI document.
 */
export const mailboxList = z
  .union([mailboxInput(), z.array(mailboxInput())])
  .transform((value, ctx) => (Array.isArray(value) ? value.map((v, i) => parseAt(v, ctx, [i])) : [parseAt(value, ctx, [])]));
