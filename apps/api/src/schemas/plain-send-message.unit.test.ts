import { describe, expect, it } from 'vitest';
import { readPlainBatch, readPlainSendMessage } from './plain-send-message.ts';
import { MAX_BATCH, sendBatchBody, sendMessageBody } from './send-message.ts';

const plain = { from: 'Shop <orders@shop.example>', to: 'a@example.org', subject: 'Your order', text: 'Thanks', html: '<p>Thanks</p>' };

/** Bodies the fast path reads: each must come out exactly as zod makes it. */
const READ: Record<string, unknown>[] = [
  plain,
  { from: 'orders@shop.example', to: ['a@example.org', { email: 'b@Example.ORG', name: 'Bee' }], subject: '', text: 'only text' },
  { from: { email: 'orders@shop.example' }, to: { email: 'jürgen@bücher.example' }, subject: 'Grüße ✓', html: '<p>only html</p>' },
  { from: { email: 'orders@shop.example', name: 'Über Shop' }, to: 'a@example.org', cc: 'c@example.org', bcc: ['d@example.org'], reply_to: 'Help <help@shop.example>', subject: 'x'.repeat(998), text: '' },
  { from: '"Doe, Jane" <jane@shop.example>', to: '  spaced@example.org  ', subject: 's', text: 't', cc: [] },
];

/** Bodies the fast path leaves to zod: another field, a value zod refuses, a missing part. */
const LEFT: unknown[] = [
  null,
  [],
  'text',
  { ...plain, tags: ['a'] },
  { ...plain, metadata: {} },
  { ...plain, headers: {} },
  { ...plain, unsubscribe: true },
  { ...plain, send_at: '2030-01-01T00:00:00Z' },
  { ...plain, attachments: [] },
  { from: plain.from, to: plain.to, template: { alias: 'x' } },
  { ...plain, unknown: 1 },
  { ...plain, from: undefined },
  { ...plain, from: 'not an address' },
  { ...plain, from: { email: 'a@example.org', extra: 1 } },
  { ...plain, from: { email: 'a@example.org', name: 5 } },
  { ...plain, from: ['a@example.org'] },
  { ...plain, to: [] },
  { ...plain, to: ['a@example.org', 'nope'] },
  { ...plain, to: 5 },
  { ...plain, cc: 'nope' },
  { ...plain, cc: null },
  { ...plain, subject: undefined },
  { ...plain, subject: 'line\nbreak' },
  { ...plain, subject: 'x'.repeat(999) },
  { ...plain, subject: 5 },
  { from: plain.from, to: plain.to, subject: 's' },
  { ...plain, text: 5 },
  { ...plain, html: null },
];

describe('reading the common send request without zod', () => {
  it('reads every plain body exactly as zod does', () => {
    for (const body of READ) {
      const zod = sendMessageBody.safeParse(body);
      expect(zod.success).toBe(true);
      expect(readPlainSendMessage(body)).toStrictEqual(zod.data);
      expect(Object.keys(readPlainSendMessage(body) ?? {})).toEqual(Object.keys(zod.data ?? {}));
    }
  });

  it('leaves everything else to zod, accepting nothing zod refuses', () => {
    for (const body of LEFT) expect(readPlainSendMessage(body)).toBeUndefined();
    // and, the other way round: what it refuses but zod accepts is only the rarer fields it does not read
    for (const body of LEFT.filter((b) => sendMessageBody.safeParse(b).success)) {
      expect(Object.keys(body as object).some((k) => !['from', 'to', 'cc', 'bcc', 'reply_to', 'subject', 'text', 'html'].includes(k))).toBe(true);
    }
  });

  it('reads a batch of plain messages as zod does, and leaves any other batch to zod', () => {
    const batch = { messages: READ };
    expect(readPlainBatch(batch, MAX_BATCH)).toStrictEqual(sendBatchBody.parse(batch));
    for (const other of [{ messages: [] }, { messages: [plain, { ...plain, tags: [] }] }, { messages: [plain], extra: 1 }, { messages: plain }, { messages: Array(MAX_BATCH + 1).fill(plain) }]) {
      expect(readPlainBatch(other, MAX_BATCH)).toBeUndefined();
    }
  });
});
