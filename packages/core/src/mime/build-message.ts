import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Mailbox } from '../intake/address.ts';
import type { SendRequest } from '../intake/send-request.ts';
import { normalizeCrlf } from './normalize-crlf.ts';

export type MessageContent = Pick<SendRequest, 'from' | 'to' | 'subject' | 'text' | 'html'> &
  Partial<Pick<SendRequest, 'cc' | 'replyTo' | 'headers' | 'attachments'>> & {
    /** Without angle brackets. */
    messageId: string;
    date: Date;
  };

/**
 * Builds the RFC 5322 message once, at intake, with CRLF line endings. Only plain strings and Buffers
 * reach nodemailer — never objects with `path`, `href` or `raw`, which would read files or fetch URLs —
 * and file and URL access are switched off as a second guard. Names and subjects in any language are
 * RFC 2047-encoded, long lines are encoded (quoted-printable or base64) so none exceeds 998 octets, and
 * Bcc recipients never appear in the headers.
 */
export async function buildMessage(content: MessageContent): Promise<Buffer> {
  const composer = new MailComposer({
    from: toAddress(content.from),
    to: content.to.map(toAddress),
    cc: content.cc?.length ? content.cc.map(toAddress) : undefined,
    replyTo: content.replyTo?.length ? content.replyTo.map(toAddress) : undefined,
    subject: content.subject,
    text: content.text,
    html: content.html,
    headers: content.headers?.map(([key, value]) => ({ key, value })),
    attachments: content.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      cid: a.contentId,
      contentDisposition: a.contentId ? ('inline' as const) : ('attachment' as const),
    })),
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
