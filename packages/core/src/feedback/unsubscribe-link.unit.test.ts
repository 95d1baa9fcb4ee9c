import { describe, expect, it } from 'vitest';
import { deriveFeedbackKeys } from './token-keys.ts';
import { unsubscribeHeaderLines, unsubscribeKey, unsubscribeUrlBase } from './unsubscribe-link.ts';
import { readUnsubscribeAddress, readUnsubscribeToken } from './unsubscribe-token.ts';

const master = Buffer.alloc(32, 0x42);
const RECIPIENT = 'rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P';

describe('one-click unsubscribe links', () => {
  it('puts /unsubscribe/ after HERALD_PUBLIC_URL, with or without a path or a trailing slash', () => {
    expect(unsubscribeUrlBase('https://mail.example.com')).toBe('https://mail.example.com/unsubscribe/');
    expect(unsubscribeUrlBase('https://mail.example.com/')).toBe('https://mail.example.com/unsubscribe/');
    expect(unsubscribeUrlBase('https://example.com/herald//')).toBe('https://example.com/herald/unsubscribe/');
    expect(unsubscribeUrlBase('https://example.com:8443/herald')).toBe('https://example.com:8443/herald/unsubscribe/');
  });

  it("writes both header fields for one recipient, folded after the comma, with a token that names that recipient", () => {
    const lines = unsubscribeHeaderLines(master, RECIPIENT, { publicUrl: 'https://mail.example.com', bounceHost: 'bounces.example.com' });
    const match = /^List-Unsubscribe: <https:\/\/mail\.example\.com\/unsubscribe\/([a-z0-9]{44})>,\r\n <mailto:(unsubscribe\+[a-z0-9]{44}@bounces\.example\.com)>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n$/.exec(lines);
    expect(match, lines).not.toBeNull();
    const keys = deriveFeedbackKeys(master);
    expect(readUnsubscribeToken([keys.unsubscribe], match?.[1] ?? '')).toMatchObject({ ok: true, subject: { kind: 'recipient', id: RECIPIENT } });
    expect(readUnsubscribeAddress([keys.unsubscribe], match?.[2] ?? '')).toMatchObject({ ok: true, subject: { kind: 'recipient', id: RECIPIENT } });
    // never a VERP token: the return-path key does not verify it
    expect(readUnsubscribeToken([{ ...keys.verp, purpose: 'unsubscribe' }], match?.[1] ?? '')).toMatchObject({ ok: false, reason: 'bad_signature' });
    for (const line of lines.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('leaves the mailto out without a bounce host', () => {
    expect(unsubscribeHeaderLines(master, RECIPIENT, { publicUrl: 'https://mail.example.com' })).toMatch(/^List-Unsubscribe: <https:[^>]+>\r\nList-Unsubscribe-Post/);
  });

  it('derives the key once per master key', () => {
    expect(unsubscribeKey(master)).toBe(unsubscribeKey(master));
    expect(unsubscribeKey(master).key.equals(deriveFeedbackKeys(master).unsubscribe.key)).toBe(true);
  });
});
