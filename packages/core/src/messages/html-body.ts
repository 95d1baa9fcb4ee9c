import { mailparser } from '../lazy-modules.ts';

/** Larger messages are not previewed. */
const MAX_PREVIEW_BYTES = 10 * 1024 * 1024;

export type MessageBody = { html: string } | { text: string } | { unreadable: string };

/**
 * The body a person would see of a stored raw message: its HTML part, else its text, decoded
 * (transfer encodings and charsets), for a preview. Nothing is fetched and nothing is turned into
 * links; what the HTML may do is up to the page that shows it (the dashboard: a sandboxed frame).
 */
export async function readMessageBody(raw: Buffer): Promise<MessageBody> {
  if (raw.length > MAX_PREVIEW_BYTES) return { unreadable: `the message is ${raw.length} bytes, over the ${MAX_PREVIEW_BYTES} previewed` };
  // outside the try: a library that cannot load is no reason to call the message unreadable
  const { simpleParser } = await mailparser();
  try {
    const parsed = await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, keepCidLinks: true, checksumAlgo: false });
    if (typeof parsed.html === 'string' && parsed.html) return { html: parsed.html };
    return { text: parsed.text ?? '' };
  } catch (err) {
    return { unreadable: `the message could not be read as MIME: ${err instanceof Error ? err.message : String(err)}` };
  }
}
