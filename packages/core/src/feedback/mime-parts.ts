import libmime from 'libmime';
import { mailparser } from '../lazy-modules.ts';
import { cleanValue, readFields, type HeaderField } from './header-fields.ts';

/**
 * A received notification read once with mailparser, in the shape every reader here needs: the
 * top-level header fields, the top-level content type, the non-text parts in order (the
 * machine-readable report, the returned message or headers) and the human-readable text.
 *
 * mailparser is told to keep message/delivery-status as a part (by default it is merged into the
 * text) and never to descend into an attached message (ignoreEmbedded): a report's original
 * message is read only for its headers, and a bounce forwarded as an attachment must not be taken for
 * a bounce of Herald's own. HTML is turned into text only when there is no plain part (Exchange and
 * Gmail send both) and only up to MAX_HTML characters, since the converter's cost grows with its input.
 */
export interface MimePart {
  /** IMAP-style part number ("2", "1.3"), null for a single-part message. */
  partId: string | null;
  /** Lower-case media type. */
  contentType: string;
  /** Decoded content (transfer encoding removed). */
  content: Buffer;
}

export interface NotificationMessage {
  headers: HeaderField[];
  /** Lower-case media type of the whole message. */
  contentType: string;
  /** The report-type parameter of a multipart/report, lower-cased. */
  reportType?: string;
  parts: MimePart[];
  /** The text parts, joined; at most MAX_TEXT characters. */
  text: string;
}

export type ReadMessageResult = { ok: true; message: NotificationMessage } | { ok: false; reason: string };

/** Larger notifications are not read (a bounce returns at most the original message, which Herald caps well below this). */
export const MAX_NOTIFICATION_BYTES = 25 * 1024 * 1024;
const MAX_TEXT = 256 * 1024;
const MAX_HTML = 512 * 1024;

export async function readNotificationMessage(raw: Buffer, options: { maxBytes?: number } = {}): Promise<ReadMessageResult> {
  const maxBytes = options.maxBytes ?? MAX_NOTIFICATION_BYTES;
  if (raw.length > maxBytes) return { ok: false, reason: `the message is ${raw.length} bytes, over the ${maxBytes} read` };
  // loaded on the first notification (lazy-modules.ts), outside the try: a library that cannot load
  // is a fault of the installation (the notification is answered with a temporary failure), not a
  // message that cannot be read
  const { simpleParser } = await mailparser();
  let parsed;
  try {
    parsed = await simpleParser(raw, {
      keepDeliveryStatus: true,
      ignoreEmbedded: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      keepCidLinks: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: MAX_HTML,
    });
  } catch (err) {
    return { ok: false, reason: `the message could not be parsed as MIME: ${err instanceof Error ? err.message : String(err)}` };
  }
  const headers = parsed.headerLines.flatMap((h) => readFields(h.line.split(/\r?\n/)));
  const type = contentTypeOf(headers);
  return {
    ok: true,
    message: {
      headers,
      contentType: type.value,
      ...(type.value === 'multipart/report' && type.params['report-type'] ? { reportType: type.params['report-type'].toLowerCase() } : {}),
      parts: parsed.attachments.map((a) => ({ partId: a.partId, contentType: a.contentType.toLowerCase(), content: a.content })),
      text: (parsed.text ?? '').slice(0, MAX_TEXT),
    },
  };
}

export function contentTypeOf(headers: readonly HeaderField[]): { value: string; params: Record<string, string> } {
  const field = headers.find((h) => h.name === 'content-type');
  if (!field) return { value: 'text/plain', params: {} };
  const parsed = libmime.parseHeaderValue(field.value);
  return { value: parsed.value.toLowerCase().trim(), params: parsed.params };
}

/** A header's value with RFC 2047 encoded-words decoded (subjects, names), cleaned like any value. */
export function decodedValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return cleanValue(libmime.decodeWords(value));
  } catch {
    return value;
  }
}
