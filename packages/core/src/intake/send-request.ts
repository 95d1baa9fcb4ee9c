import type { TemplateRef } from '../templates/resolve-template.ts';
import type { Mailbox } from './address.ts';

/** A file carried by the message: inline content only — never a path or a URL. */
export interface Attachment {
  filename: string;
  content: Buffer;
  contentType?: string | undefined;
  /** Makes the attachment inline (referenced from the HTML as cid:<contentId>). */
  contentId?: string | undefined;
}

/**
 * A send request whose fields are validated: addresses normalised, no line breaks in any header
 * field, custom headers allowed, attachments decoded. The API and SMTP front ends both produce these.
 */
export interface SendRequest {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  replyTo: Mailbox[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  headers: [name: string, value: string][];
  attachments: Attachment[];
  tags: string[];
  metadata: Record<string, string>;
  /** Not before this time; absent or past means now. */
  sendAt?: Date | undefined;
  /** The template whose rendering replaces subject, text and html (intake/apply-templates.ts). */
  template?: TemplateRef | undefined;
  /** Set by intake once the template is rendered: what the message was made from. */
  renderedFrom?: RenderedFrom | undefined;
  /** One-click unsubscribe headers on (true) or off (false); absent: the sending domain's default. */
  unsubscribe?: boolean | undefined;
}

/** The template version a message was rendered from, and the layout version that wrapped it (none: null). */
export interface RenderedFrom {
  templateId: string;
  version: number;
  layout: { id: string; version: number } | null;
}
