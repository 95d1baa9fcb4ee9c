import { describe, expect, it } from 'vitest';
import { normalizeDomain, normalizeEmail, parseMailbox } from './address.ts';

describe('addresses', () => {
  it('accepts "addr", "Name <addr>", quoted names and {email, name}', () => {
    expect(parseMailbox('a@example.com')).toEqual({ ok: true, mailbox: { email: 'a@example.com' } });
    expect(parseMailbox('Ann Example <ann@Example.COM>')).toEqual({ ok: true, mailbox: { email: 'ann@example.com', name: 'Ann Example' } });
    expect(parseMailbox('"Doe, John" <j@example.com>')).toEqual({ ok: true, mailbox: { email: 'j@example.com', name: 'Doe, John' } });
    expect(parseMailbox({ email: 'z@example.com', name: 'Zoë 張' })).toEqual({ ok: true, mailbox: { email: 'z@example.com', name: 'Zoë 張' } });
  });

  it('turns international domains into punycode and lower-cases domains only', () => {
    expect(normalizeEmail('Ann@Bücher.Example')).toEqual({ ok: true, email: 'Ann@xn--bcher-kva.example', domain: 'xn--bcher-kva.example' });
  });

  it.each([
    ['line breaks', 'a@example.com\r\nBcc: b@example.com', /line breaks/],
    ['a Unicode line separator', 'a@exam\u2028ple.com', /line breaks/],
    ['a missing domain', 'a@', /email address/],
    ['a missing local part', '@example.com', /email address/],
    ['a single-label domain', 'a@localhost', /not a valid domain/],
    ['an address literal', 'a@[127.0.0.1]', /not a valid domain/],
    ['a numeric domain', 'a@127.0.0.1', /not a valid domain/],
    ['a quoted local part', '"a b"@example.com', /not allowed/],
    ['a source route', '@relay.example:a@example.com', /not allowed/],
    ['a non-ASCII local part', 'jöran@example.com', /SMTPUTF8/],
    ['a label starting with a hyphen', 'a@-bad.example', /not a valid domain/],
    ['a 65-character local part', `${'a'.repeat(65)}@example.com`, /at most 64/],
  ])('refuses %s', (_what, input, reason) => {
    const result = normalizeEmail(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('accepts a % in the local part, which RFC 5322 allows (routing by it is an open-relay concern, not a sender one)', () => {
    expect(normalizeEmail('a%b@example.com')).toEqual({ ok: true, email: 'a%b@example.com', domain: 'example.com' });
  });

  it('refuses line breaks and control characters in display names', () => {
    expect(parseMailbox({ email: 'a@example.com', name: 'A\nB' })).toMatchObject({ ok: false });
    expect(parseMailbox({ email: 'a@example.com', name: 'A\u0000B' })).toMatchObject({ ok: false });
    expect(parseMailbox('A\rB <a@example.com>')).toMatchObject({ ok: false });
  });

  it('normalises domains, refusing what is not a host name', () => {
    expect(normalizeDomain('Mail.Example.ORG.')).toBe('mail.example.org');
    expect(normalizeDomain('under_score.example')).toBeNull();
    expect(normalizeDomain('example')).toBeNull();
    expect(normalizeDomain(`${'a'.repeat(64)}.example`)).toBeNull();
  });
});
