import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Mailbox } from '../intake/address.ts';
import { normalizeCrlf } from './normalize-crlf.ts';

export interface MessageContent {
  from: Mailbox;
  to: Mailbox[];
  cc?: Mailbox[];
  subject: string;
  text?: string;
  html?: string;
  /** Without angle brackets. */
  messageId: string;
  date: Date;
}

/**
 * Builds the RFC 5322 message once, at intake, with CRLF line endings. Only plain strings reach
 * nodemailer — never objects with `path`, `href` or `raw`, which would read files or fetch URLs — and
 * file and URL access are switched off as a second guard. Bcc recipients never appear in the headers.
 */
export async function buildMessage(content: MessageContent): Promise<Buffer> {
  const composer = new MailComposer({
    from: toAddress(content.from),
    to: content.to.map(toAddress),
    cc: content.cc?.length ? content.cc.map(toAddress) : undefined,
    subject: content.subject,
    text: content.text,
    html: content.html,
    messageId: `<${content.messageId}>`,
    date: content.date,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return normalizeCrlf(raw);
}

function toAddress(mailbox: Mailbox): { name: string; address: string } {
  return { name: mailbox.name ?? '', address: mailbox.email };
}
