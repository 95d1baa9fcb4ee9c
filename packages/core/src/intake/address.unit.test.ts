import { describe, expect, it } from 'vitest';
import { isAsciiAddress, normalizeDomain, normalizeEmail, parseMailbox } from './address.ts';

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

describe('internationalised addresses (RFC 6531 §3.3, RFC 6532 §3.2)', () => {
  it.each([
    ['a Latin local part', 'jürgen@example.com'],
    ['a Chinese local part', '用户@example.com'],
    ['a Greek local part', 'δοκιμή@example.com'],
    ['a Devanagari local part', 'मेल@example.com'],
    ['an Arabic local part (right-to-left script, no control characters)', 'مستخدم@example.com'],
    ['an emoji', '📧@example.com'],
    ['ASCII and UTF-8 mixed, with dots and a +tag', 'jürgen.müller+news@example.com'],
    ['a character whose UTF-8 holds the octet 0xA0 (NBSP in latin1)', 'voilà@example.com'],
  ])('accepts %s as it is', (_what, input) => {
    expect(normalizeEmail(input)).toEqual({ ok: true, email: input, domain: 'example.com' });
  });

  it('keeps the case of a UTF-8 local part (only the domain is lower-cased)', () => {
    expect(normalizeEmail('Jürgen@Example.COM')).toMatchObject({ ok: true, email: 'Jürgen@example.com' });
  });

  it('normalises a decomposed (NFD) local part to NFC, and nothing more', () => {
    const nfd = 'ju\u0308rgen@example.com';
    const result = normalizeEmail(nfd);
    expect(result).toEqual({ ok: true, email: 'j\u00fcrgen@example.com', domain: 'example.com' });
    // compatibility characters are not folded: the ligature and the full-width letter stay
    expect(normalizeEmail('\ufb01le@example.com')).toMatchObject({ ok: true, email: '\ufb01le@example.com' });
    expect(normalizeEmail('\uff41@example.com')).toMatchObject({ ok: true, email: '\uff41@example.com' });
  });

  it('stores an international domain as A-labels beside a UTF-8 local part', () => {
    expect(normalizeEmail('用户@例子.测试')).toEqual({ ok: true, email: '用户@xn--fsqu00a.xn--0zwm56d', domain: 'xn--fsqu00a.xn--0zwm56d' });
  });

  it('accepts UTF-8 local parts in every mailbox form, names included', () => {
    expect(parseMailbox('Jürgen Müller <jürgen@example.com>')).toEqual({ ok: true, mailbox: { email: 'jürgen@example.com', name: 'Jürgen Müller' } });
    expect(parseMailbox({ email: '用户@example.com', name: '用户' })).toEqual({ ok: true, mailbox: { email: '用户@example.com', name: '用户' } });
  });

  it('counts the limits in octets of UTF-8, not in characters', () => {
    // 21 CJK characters are 63 octets, 22 are 66: over the 64 octets of RFC 5321 §4.5.3.1.1
    expect(normalizeEmail(`${'用'.repeat(21)}@example.com`).ok).toBe(true);
    expect(normalizeEmail(`${'用'.repeat(22)}@example.com`)).toEqual({ ok: false, reason: 'the part before @ must be at most 64 octets (of UTF-8)' });
    // 32 two-octet characters fill 64 octets exactly
    expect(normalizeEmail(`${'ü'.repeat(32)}@example.com`).ok).toBe(true);
    expect(normalizeEmail(`${'ü'.repeat(33)}@example.com`).ok).toBe(false);
    // a whole address of 255 octets in 250 characters is refused; one of 254 octets is not
    const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(40)}`; // 232 octets
    expect(normalizeEmail(`üüüüü${'x'.repeat(12)}@${domain}`)).toEqual({ ok: false, reason: 'must be at most 254 octets' });
    expect(normalizeEmail(`üüüü${'x'.repeat(13)}@${domain}`).ok).toBe(true);
  });

  it.each([
    ['a right-to-left override (U+202E) turning "moc.elpmaxe" around', 'jürgen\u202Emoc.elpmaxe@example.com', 'U+202E'],
    ['a left-to-right mark (U+200E)', 'user\u200E@example.com', 'U+200E'],
    ['a right-to-left isolate (U+2067)', '\u2067user@example.com', 'U+2067'],
    ['a pop directional isolate (U+2069)', 'user\u2069@example.com', 'U+2069'],
    ['a zero-width space (U+200B)', 'ad\u200Bmin@example.com', 'U+200B'],
    ['a zero-width joiner (U+200D)', 'a\u200Db@example.com', 'U+200D'],
    ['a byte order mark (U+FEFF)', '\uFEFFuser@example.com', 'U+FEFF'],
    ['a word joiner (U+2060)', 'us\u2060er@example.com', 'U+2060'],
    ['a soft hyphen (U+00AD)', 'us\u00ADer@example.com', 'U+00AD'],
    ['a C1 control character (U+0080)', 'us\u0080er@example.com', 'U+0080'],
    ['a private-use character (U+E000)', 'us\uE000er@example.com', 'U+E000'],
    ['an unassigned code point (U+0378)', 'us\u0378er@example.com', 'U+0378'],
    ['a no-break space (U+00A0)', 'jürgen\u00A0müller@example.com', 'U+00A0'],
    ['an ideographic space (U+3000)', '用\u3000户@example.com', 'U+3000'],
    ['a zero-width space in the domain, which IDNA would silently drop', 'user@exa\u200Bmple.com', 'U+200B'],
    ['a soft hyphen in the domain, which IDNA would silently drop', 'user@exa\u00ADmple.com', 'U+00AD'],
    ['a right-to-left override in the domain', 'user@\u202Eelpmaxe.com', 'U+202E'],
  ])('refuses %s, naming the character', (_what, input, code) => {
    const result = normalizeEmail(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(code);
  });

  it.each([
    ['U+FFFD, what invalid UTF-8 decodes to', 'j\uFFFDrgen@example.com', /valid UTF-8/],
    ['a lone surrogate', 'user\uD800@example.com', /lone surrogate/],
    ['a next-line character (U+0085)', 'user\u0085@example.com', /line breaks/],
    ['a line separator (U+2028)', 'user\u2028@example.com', /line breaks/],
    ['a combining mark at the start', '\u0308user@example.com', /combining mark/],
    ['a combining mark after a dot', 'user.\u0301x@example.com', /combining mark/],
    ['a UTF-8 local part in quotes', '"jürgen smith"@example.com', /not allowed|spaces/],
    ['a dot at the end of a UTF-8 local part', 'jürgen.@example.com', /not allowed/],
    ['two dots in a row', 'jür..gen@example.com', /not allowed/],
    ['an at-sign look-alike (U+FF20) standing for the @', 'jürgen\uFF20example.com', /email address/],
  ])('refuses %s', (_what, input, reason) => {
    const result = normalizeEmail(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('tells ASCII addresses from those that need SMTPUTF8', () => {
    expect(isAsciiAddress('ann@example.com')).toBe(true);
    expect(isAsciiAddress('ann@xn--bcher-kva.example')).toBe(true);
    expect(isAsciiAddress('jürgen@example.com')).toBe(false);
  });
});
