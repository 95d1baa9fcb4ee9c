/**
 * Where one request's composed messages are written: a block of memory for many messages, each
 * message a view of its part, instead of a Buffer of its own. Node gives every Buffer of 4 KB or more
 * a memory block of its own: an allocation, and memory outside V8's heap that V8 counts. V8 also runs
 * a scavenge whenever the young generation's buffers grow large, whatever the young generation's size
 * (--trace-gc: "external memory pressure"); a batch of 500 allocated about 18 MB of them. The messages
 * of one request lie one after another, so the commit sends them without copying them into one
 * parameter first (joinBytes). A block lives as long as any message in it: until the commit, for a
 * request's messages. docs/performance.md, "A batch's bytes".
 */
export class MessageArena {
  private block: Buffer | null = null;
  private used = 0;

  /** `blockBytes`: what the request's messages are expected to take (estimatedBytes). */
  constructor(private readonly blockBytes: number) {}

  /** The bytes of `text`, one byte a character (buildMessage composes in latin1: every character is below 256). */
  latin1(text: string): Buffer {
    const size = text.length;
    if (!this.block || size > this.block.length - this.used) {
      // the first message, or one that does not fit: a block of its own size when larger than the estimate
      this.block = Buffer.allocUnsafeSlow(Math.max(this.blockBytes, size));
      this.used = 0;
    }
    const bytes = this.block.subarray(this.used, this.used + size);
    bytes.write(text, 0, size, 'latin1');
    this.used += size;
    return bytes;
  }
}

/**
 * What a request's messages are expected to take composed, generously (a block too small costs a
 * further block and a copy at the commit): their texts quoted-printable, their attachments base64.
 */
export function estimatedBytes(requests: readonly { text?: string | undefined; html?: string | undefined; attachments?: readonly { content: Buffer }[] | undefined }[]): number {
  let bytes = 0;
  for (const r of requests) {
    bytes += HEAD_BYTES + Math.ceil(((r.text?.length ?? 0) + (r.html?.length ?? 0)) * QUOTED_PRINTABLE_GROWTH);
    for (const a of r.attachments ?? []) bytes += PART_HEAD_BYTES + Math.ceil(a.content.length * BASE64_GROWTH);
  }
  return Math.min(Math.max(bytes, MIN_BLOCK_BYTES), MAX_BLOCK_BYTES);
}

/**
 * `parts` as one Buffer of `size` bytes: a view of them when they lie one after another in one block
 * (a request's messages from its MessageArena), otherwise a copy of them all.
 */
export function joinBytes(parts: readonly Buffer[], size: number): Buffer {
  const first = parts[0];
  if (!first) return Buffer.alloc(0);
  let end = first.byteOffset + first.length;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as Buffer;
    if (part.buffer !== first.buffer || part.byteOffset !== end) return Buffer.concat(parts, size);
    end += part.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, size);
}

/** A message's header fields and its parts' (boundaries, types). */
const HEAD_BYTES = 2048;
const PART_HEAD_BYTES = 512;
/** Quoted-printable's soft line breaks and escapes, for text mostly ASCII (text mostly outside it goes as base64, a third more: a further block then). */
const QUOTED_PRINTABLE_GROWTH = 1.1;
/** Base64, with CRLF after every 76 characters. */
const BASE64_GROWTH = (4 / 3) * (78 / 76);
const MIN_BLOCK_BYTES = 16 * 1024;
/** A block for a batch of 500 messages of about 15 KB; a larger request's messages take further blocks. */
const MAX_BLOCK_BYTES = 8 * 1024 * 1024;
