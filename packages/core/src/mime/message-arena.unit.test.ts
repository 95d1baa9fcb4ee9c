import { describe, expect, it } from 'vitest';
import { draftMessages } from '../intake/draft-messages.ts';
import type { SendRequest } from '../intake/send-request.ts';
import { BlockPool, estimatedBytes, joinBytes, MessageArena } from './message-arena.ts';

const latin1 = (i: number) => `Subject: ${i}\r\n\r\n${'x'.repeat(100 + i)}\u00e9\u00ff\r\n`;

describe('MessageArena', () => {
  it('writes each text as its latin1 bytes, one after another in one block', () => {
    const arena = new MessageArena(64 * 1024);
    const parts = [0, 1, 2].map((i) => arena.latin1(latin1(i)));
    parts.forEach((part, i) => expect(part.equals(Buffer.from(latin1(i), 'latin1'))).toBe(true));
    expect(parts[1]?.buffer).toBe(parts[0]?.buffer);
    expect(parts[1]?.byteOffset).toBe((parts[0]?.byteOffset ?? 0) + (parts[0]?.length ?? 0));
  });

  it('gives a text larger than the block a block of its own, and starts a new block when one is full', () => {
    const arena = new MessageArena(16 * 1024, new BlockPool());
    const small = arena.latin1('a'.repeat(15_000));
    const large = arena.latin1('b'.repeat(20_000));
    const next = arena.latin1('c'.repeat(10));
    expect(small.buffer.byteLength).toBe(16 * 1024);
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.buffer.byteLength).toBe(32 * 1024);
    // the rest of the larger block is the next message's
    expect(next.buffer).toBe(large.buffer);
    expect(next.byteOffset).toBe(20_000);
    expect([small, large, next].map((b) => b.toString('latin1'))).toEqual(['a'.repeat(15_000), 'b'.repeat(20_000), 'c'.repeat(10)]);
    // a message over 8 MB gets a block of exactly its size
    expect(arena.latin1('d'.repeat(9_000_000)).buffer.byteLength).toBe(9_000_000);
  });

  it('gives its blocks back on release, for the next arena to write over, and takes nothing after it', () => {
    const pool = new BlockPool();
    const first = new MessageArena(100_000, pool);
    const a = first.latin1('a'.repeat(1000));
    const b = first.latin1('b'.repeat(200_000));
    first.release();
    first.release();
    expect(pool.kept).toBe(128 * 1024 + 256 * 1024);
    expect(() => first.latin1('x')).toThrow(/released/);
    const second = new MessageArena(100_000, pool);
    const c = second.latin1('c'.repeat(1000));
    expect(c.buffer).toBe(a.buffer);
    expect(a.toString('latin1')).toBe('c'.repeat(1000));
    expect(second.latin1('d'.repeat(150_000)).buffer).toBe(b.buffer);
    expect(pool.kept).toBe(0);
  });
});

describe('BlockPool', () => {
  it('hands out blocks of a power of two from 16 KB, the same block again once given back', () => {
    const pool = new BlockPool();
    expect(pool.take(1).length).toBe(16 * 1024);
    expect(pool.take(16 * 1024 + 1).length).toBe(32 * 1024);
    const block = pool.take(3_000_000);
    expect(block.length).toBe(4 * 1024 * 1024);
    pool.give(block);
    pool.give(block);
    expect(pool.kept).toBe(4 * 1024 * 1024);
    expect(pool.take(2_500_000)).toBe(block);
    // (not `.not.toBe`: vitest compares 4 MB buffers octet by octet when they are not the same)
    expect(pool.take(2_500_000) === block).toBe(false);
  });

  it('keeps at most its limit, nothing over 8 MB and no block it did not hand out', () => {
    const pool = new BlockPool(64 * 1024);
    const blocks = [pool.take(20_000), pool.take(20_000), pool.take(20_000)];
    for (const block of blocks) pool.give(block);
    expect(pool.kept).toBe(64 * 1024);
    const large = pool.take(9_000_000);
    expect(large.length).toBe(9_000_000);
    pool.give(large);
    pool.give(Buffer.alloc(16 * 1024 + 1));
    pool.give(blocks[0]?.subarray(1) as Buffer);
    expect(pool.kept).toBe(64 * 1024);
    // with room to spare: a view of the first 16 KB of a larger block's memory, a view past its start
    const roomy = new BlockPool();
    roomy.give(Buffer.from(roomy.take(40_000).buffer, 0, 16 * 1024));
    roomy.give(Buffer.from(roomy.take(40_000).buffer, 16 * 1024, 16 * 1024));
    expect(roomy.kept).toBe(0);
  });
});

describe('joinBytes', () => {
  it('answers a view of parts that lie one after another in one block, without copying them', () => {
    const arena = new MessageArena(64 * 1024);
    const parts = [0, 1, 2].map((i) => arena.latin1(latin1(i)));
    const size = parts.reduce((n, p) => n + p.length, 0);
    const joined = joinBytes(parts, size);
    expect(joined.buffer).toBe(parts[0]?.buffer);
    expect(joined.equals(Buffer.concat(parts))).toBe(true);
  });

  it('copies parts from different blocks, or out of order, into one buffer', () => {
    const arena = new MessageArena(64 * 1024);
    const [a, b] = [arena.latin1('first'), arena.latin1('second')] as [Buffer, Buffer];
    const other = Buffer.from('third');
    for (const parts of [[a, other], [b, a]]) {
      const joined = joinBytes(parts, parts.reduce((n, p) => n + p.length, 0));
      expect(joined.buffer).not.toBe(a.buffer);
      expect(joined.toString()).toBe(parts.map((p) => p.toString()).join(''));
    }
    expect(joinBytes([], 0)).toHaveLength(0);
  });
});

describe('a request of several messages', () => {
  const request = (i: number): SendRequest =>
    ({ from: { email: 'a@example.com' }, to: [{ email: `u${i}@example.net` }], cc: [], bcc: [], replyTo: [], subject: `S${i}`, text: `hello ${i} ✓ ${'x'.repeat(5000)}`, html: `<p>hello ${i}</p>`, headers: [], attachments: [], tags: [], metadata: {} });

  it('is composed into one block, within the estimate, which the commit sends as it is', () => {
    const requests = [0, 1, 2, 3].map(request);
    const drafts = draftMessages(requests, new Date('2026-12-08T00:00:00Z'), new MessageArena(undefined, new BlockPool()));
    const raws = drafts.map((d) => d.raw);
    const size = raws.reduce((n, r) => n + r.length, 0);
    expect(size).toBeLessThanOrEqual(estimatedBytes(requests));
    expect(joinBytes(raws, size).buffer).toBe(raws[0]?.buffer);
    raws.forEach((raw, i) => expect(raw.toString('latin1')).toContain(`Subject: S${i}\r\n`));
  });

  it('estimates attachments as base64', () => {
    const withFile = { ...request(0), attachments: [{ filename: 'f.bin', content: Buffer.alloc(300_000) }] } as unknown as SendRequest;
    expect(estimatedBytes([withFile])).toBeGreaterThan(400_000);
    expect(estimatedBytes([{ text: 'short' }])).toBe(16 * 1024);
    expect(estimatedBytes(Array.from({ length: 5000 }, () => withFile))).toBe(8 * 1024 * 1024);
  });
});
