/**
 * Where one request's composed messages are written: a block of memory for many messages, each
 * message a view of its part, instead of a Buffer of its own. Node gives every Buffer of 4 KB or more
 * a memory block of its own: an allocation, and memory outside V8's heap that V8 counts. V8 runs a
 * scavenge whenever the young generation's buffers grow large, and a full collection (mark-compact)
 * whenever the buffers that outlived scavenges grow by tens of MB, whatever the heap's size
 * (--trace-gc: "external memory pressure"); a batch of 500 allocated about 18 MB of them. The messages
 * of one request lie one after another, so the commit sends them without copying them into one
 * parameter first (joinBytes). Once the commit has sent them (or failed), `release` gives the blocks
 * back to a pool for the next requests: a busy API then takes no new memory for its messages.
 * docs/performance.md, "A batch's bytes" and "Blocks used again".
 */
export class MessageArena {
  private block: Buffer | null = null;
  private used = 0;
  private readonly taken: Buffer[] = [];
  private released = false;

  /** `blockBytes`: what the request's messages are expected to take (estimatedBytes; or later, `expect`). */
  constructor(
    private blockBytes = MIN_BLOCK_BYTES,
    private readonly pool: BlockPool = BLOCKS,
  ) {}

  /** The messages to come are expected to take this many bytes (estimatedBytes): the size of the blocks taken for them. */
  expect(bytes: number): void {
    this.blockBytes = bytes;
  }

  /** The bytes of `text`, one byte a character (buildMessage composes in latin1: every character is below 256). */
  latin1(text: string): Buffer {
    if (this.released) throw new Error('a released MessageArena was written to');
    const size = text.length;
    if (!this.block || size > this.block.length - this.used) {
      // the first message, or one that does not fit: a block of its own size when larger than the estimate
      this.block = this.pool.take(Math.max(this.blockBytes, size));
      this.taken.push(this.block);
      this.used = 0;
    }
    const bytes = this.block.subarray(this.used, this.used + size);
    bytes.write(text, 0, size, 'latin1');
    this.used += size;
    return bytes;
  }

  /**
   * Gives the blocks back to the pool, where the next request writes over them: only once nothing
   * reads this arena's messages again (their commit has settled: node-postgres copied them into its
   * Bind when it sent the statement). Idempotent; the arena takes nothing more.
   */
  release(): void {
    this.released = true;
    for (const block of this.taken.splice(0)) this.pool.give(block);
    this.block = null;
  }
}

/**
 * Blocks given back by arenas, for the next ones: a power of two in size from 16 KB to 8 MB, at most
 * `maxFreeBytes` of them kept (the rest are left to the collector). A larger block (one message over
 * 8 MB) is taken and dropped as before, never kept.
 */
export class BlockPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes = POOL_BYTES) {}

  take(size: number): Buffer {
    if (size > MAX_BLOCK_BYTES) return Buffer.allocUnsafeSlow(size);
    const rounded = blockSize(size);
    const block = this.free.get(rounded)?.pop();
    if (!block) return Buffer.allocUnsafeSlow(rounded);
    this.freeBytes -= rounded;
    return block;
  }

  give(block: Buffer): void {
    const size = block.length;
    // only a block as take() makes them: the whole of its own memory, of a pooled size
    if (size > MAX_BLOCK_BYTES || size !== blockSize(size) || block.byteOffset !== 0 || block.buffer.byteLength !== size) return;
    if (this.freeBytes + size > this.maxFreeBytes) return;
    const list = this.free.get(size) ?? [];
    if (list.includes(block)) return;
    list.push(block);
    this.free.set(size, list);
    this.freeBytes += size;
  }

  /** Bytes kept for the next arenas. */
  get kept(): number {
    return this.freeBytes;
  }
}

/** The power of two at least `size`, and at least MIN_BLOCK_BYTES. */
function blockSize(size: number): number {
  return Math.max(MIN_BLOCK_BYTES, 2 ** Math.ceil(Math.log2(Math.max(1, size))));
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
/** Free blocks a process keeps: the blocks of four batches of 500 messages of 5 KB (4 MB each). */
const POOL_BYTES = 16 * 1024 * 1024;
/** The process's pool: every request's arena takes from it. */
const BLOCKS = new BlockPool();
