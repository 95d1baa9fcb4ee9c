import { describe, expect, it } from 'vitest';
import { draftMessages } from '../intake/draft-messages.ts';
import type { SendRequest } from '../intake/send-request.ts';
import { estimatedBytes, joinBytes, MessageArena } from './message-arena.ts';

const latin1 = (i: number) => `Subject: ${i}\r\n\r\n${'x'.repeat(100 + i)}\u00e9\u00ff\r\n`;

describe('MessageArena', () => {
  it('writes each text as its latin1 bytes, one after another in one block', () => {
    const arena = new MessageArena(64 * 1024);
    const parts = [0, 1, 2].map((i) => arena.latin1(latin1(i)));
    parts.forEach((part, i) => expect(part.equals(Buffer.from(latin1(i), 'latin1'))).toBe(true));
    expect(parts[1]?.buffer).toBe(parts[0]?.buffer);
    expect(parts[1]?.byteOffset).toBe((parts[0]?.byteOffset ?? 0) + (parts[0]?.length ?? 0));
  });

  it('gives a text larger than the block a block of its own size, and starts a new block when one is full', () => {
    const arena = new MessageArena(200);
    const small = arena.latin1('a'.repeat(150));
    const large = arena.latin1('b'.repeat(1000));
    const next = arena.latin1('c'.repeat(10));
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.buffer.byteLength).toBe(1000);
    expect(next.buffer).not.toBe(large.buffer);
    expect([small, large, next].map((b) => b.toString('latin1'))).toEqual(['a'.repeat(150), 'b'.repeat(1000), 'c'.repeat(10)]);
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
    const drafts = draftMessages(requests, new Date('2026-12-08T00:00:00Z'));
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
