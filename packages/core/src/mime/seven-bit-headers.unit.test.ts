import { simpleParser, type AddressObject } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { toSevenBit } from './seven-bit.ts';
import { expectSevenBit, message, split } from './seven-bit-test-support.ts';
import { decodeQuotedPrintable } from './transfer-encoding.ts';

const names = (field: AddressObject | AddressObject[] | undefined) => [field ?? []].flat().flatMap((f) => f.value.map((v) => [v.name, v.address]));

describe('raw UTF-8 in header fields', () => {
  it('turns Subject and From display names into encoded-words that decode back to the original', async () => {
    const subject = 'Grüße aus Köln — 東京 and a fairly long subject line that needs folding ✓';
    const raw = message([`From: Jürgen Müller <j@example.com>`, 'To: "Müller, Jürgen" <x@example.org>, plain@example.org', `Subject: ${subject}`], 'body\r\n');
    const result = toSevenBit(raw);
    expect(result.warnings).toEqual([]);
    expectSevenBit(result.raw, 78);
    const { header } = split(result.raw);
    expect(header).toMatch(/^From: =\?UTF-8\?[QB]\?[^?]+\?= <j@example.com>\r\n/m);
    expect(header).toMatch(/^Subject: =\?UTF-8\?Q\?Gr=C3=BC=C3=9Fe\?= aus =\?UTF-8\?B\?[^?]+\?=\r\n and a fairly/m); // folded
    expect(header).toContain(', plain@example.org\r\n');
    const parsed = await simpleParser(result.raw);
    expect(parsed.subject).toBe(subject);
    expect(names(parsed.from)).toEqual([['Jürgen Müller', 'j@example.com']]);
    expect(names(parsed.to)).toEqual([['Müller, Jürgen', 'x@example.org'], ['', 'plain@example.org']]);
    expect(split(result.raw).body).toBe('body\r\n');
  });

  it('encodes only the 8-bit words of an unstructured field and keeps the ASCII around them', async () => {
    const result = toSevenBit(message(['Subject: Re: [list] Café ouvert today', 'X-Note: naïve'], 'x\r\n'));
    const { header } = split(result.raw);
    expect(header).toMatch(/^Subject: Re: \[list\] =\?UTF-8\?Q\?Caf=C3=A9\?= ouvert today\r\n/m);
    expect(header).toMatch(/^X-Note: =\?UTF-8\?Q\?na=C3=AFve\?=\r\n/m);
    const parsed = await simpleParser(result.raw);
    expect(parsed.subject).toBe('Re: [list] Café ouvert today');
    // mailparser leaves unknown X- headers undecoded: decode the Q word's octets here
    expect(decodeQuotedPrintable(/X-Note: =\?UTF-8\?Q\?(.*)\?=/.exec(header)?.[1] ?? '').toString('utf8')).toBe('naïve');
  });

  it('keeps a UTF-8 character whole within one encoded-word when a long value is split', async () => {
    const subject = '😀'.repeat(40);
    const result = toSevenBit(message([`Subject: ${subject}`], 'x\r\n'));
    for (const word of split(result.raw).header.match(/=\?UTF-8\?B\?([^?]+)\?=/g) ?? []) {
      expect(word.length).toBeLessThanOrEqual(75);
      expect(Buffer.from(word.slice(10, -2), 'base64').toString('utf8')).toMatch(/^(😀)+$/u);
    }
    expect((await simpleParser(result.raw)).subject).toBe(subject);
  });

  it('writes IDN domains in address fields as A-labels and encodes 8-bit comments', async () => {
    const result = toSevenBit(message(['From: info@bücher.example (Bücherei)', 'Reply-To: Team: Ünal <u@exämple.org>;'], 'x\r\n'));
    expectSevenBit(result.raw);
    const { header } = split(result.raw);
    expect(header).toContain('From: info@xn--bcher-kva.example (=?UTF-8?');
    expect(header).toContain('<u@xn--exmple-cua.org>;');
    const parsed = await simpleParser(result.raw);
    expect(names(parsed.from)).toEqual([['Bücherei', 'info@bücher.example']]);
  });

  it('writes 8-bit attachment file names as RFC 2231 parameters that a reader decodes', async () => {
    const name = 'Übersicht der Ergebnisse für das Geschäftsjahr 2025 – endgültig.pdf';
    const raw = message(
      ['From: a@example.com', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b'],
      `--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--b\r\nContent-Type: application/pdf; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"; size=3\r\nContent-Transfer-Encoding: base64\r\n\r\nYWJj\r\n--b--\r\n`,
    );
    const result = toSevenBit(raw);
    expect(result.warnings).toEqual([]);
    expectSevenBit(result.raw, 78);
    expect(result.raw.toString('latin1')).toContain("filename*0*=utf-8''%C3%9Cbersicht");
    const attachment = (await simpleParser(result.raw)).attachments[0];
    expect(attachment?.filename).toBe(name);
    expect(attachment?.content.toString()).toBe('abc');
  });

  it('leaves 8-bit octets that are not UTF-8 where nothing can encode them, and says so in the warnings', () => {
    const raw = message(['From: a@example.com', 'To: x@example.org'], 'x\r\n');
    const latin1 = Buffer.concat([
      Buffer.from('Message-ID: <\xfc@example.com>\r\nCc: j\xf6rg@example.org\r\n', 'latin1'),
      raw,
    ]);
    const result = toSevenBit(latin1);
    expect(split(result.raw).header).toContain('Message-ID: <\xfc@example.com>\r\n');
    expect(split(result.raw).header).toContain('Cc: j\xf6rg@example.org\r\n');
    expect(result.warnings).toEqual([
      'message: header field "message-id" has 8-bit octets that are not UTF-8 where no encoding is defined; left as it is',
      'message: cc: an address has a local part with 8-bit octets that are not UTF-8; left as it is',
    ]);
  });

  it('warns that an existing DKIM signature is broken when the message changes', () => {
    const result = toSevenBit(message(['DKIM-Signature: v=1; d=example.com; s=s; b=abc', 'From: a@example.com'], 'é\r\n'));
    expect(result.warnings).toContain('the message was re-encoded, so its existing DKIM-Signature no longer verifies');
  });
});

describe('header lines over 998 octets', () => {
  it('folds a long References line at whitespace, keeping the unfolded value identical', () => {
    const ids = Array.from({ length: 60 }, (_, i) => `<message-${i}-${'x'.repeat(20)}@example.com>`).join(' ');
    const raw = message(['From: a@example.com', `References: ${ids}`], 'x\r\n');
    const result = toSevenBit(raw);
    expect(result.warnings).toEqual([]);
    expectSevenBit(result.raw, 78);
    const folded = /^References:([^]*?)\r\n(?![ \t])/m.exec(split(result.raw).header)?.[1] ?? '';
    expect(folded).toContain('\r\n ');
    expect(folded.replace(/\r\n(?=[ \t])/g, '')).toBe(` ${ids}`);
  });

  it('encodes a Subject word too long to fold as encoded-words', async () => {
    const subject = `before ${'a'.repeat(1200)} after`;
    const result = toSevenBit(message([`Subject: ${subject}`], 'x\r\n'));
    expectSevenBit(result.raw, 78);
    expect((await simpleParser(result.raw)).subject).toBe(subject);
  });

  it('reports a structured line over 998 octets with no whitespace to fold at', () => {
    const result = toSevenBit(message([`Message-ID: <${'m'.repeat(1200)}@example.com>`], 'x\r\n'));
    expect(result.warnings[0]).toMatch(/"message-id" has a line over 998 octets/);
    expect(result.warnings).toContain('the result still has 8-bit octets in its body or lines over 998 octets');
  });
});

describe('internationalised addresses in header fields (RFC 6532)', () => {
  it('keeps UTF-8 local parts as UTF-8, with no warning, while names, subjects and domains around them become 7-bit', async () => {
    const raw = message(
      [
        'From: Jürgen <jürgen@bücher.example>',
        'To: 用户@example.org, "Müller, Jürgen" <δοκιμή@example.org>, plain@example.org',
        'Subject: Grüße',
        'Message-ID: <ü-42@example.org>',
      ],
      'Grüße\r\n',
    );
    const result = toSevenBit(raw);
    expect(result.warnings).toEqual([]);
    const header = Buffer.from(split(result.raw).header, 'latin1').toString('utf8').replace(/\r\n(?=[ \t])/g, '');
    expect(header).toMatch(/^From: =\?UTF-8\?Q\?J=C3=BCrgen\?= <jürgen@xn--bcher-kva\.example>\r\n/m);
    expect(header).toMatch(/^To: 用户@example\.org, =\?UTF-8\?[QB]\?[^?]+\?= <δοκιμή@example\.org>, plain@example\.org\r\n/m);
    expect(header).toMatch(/^Subject: =\?UTF-8\?Q\?Gr=C3=BC=C3=9Fe\?=\r\n/m);
    // a UTF-8 Message-ID is RFC 6532's: kept, not reported
    expect(header).toContain('Message-ID: <ü-42@example.org>\r\n');
    // the body is 7-bit all the same
    expect(split(result.raw).body).toMatch(/^[\t\r\n\x20-\x7e]*$/);
    const parsed = await simpleParser(result.raw);
    expect(names(parsed.from)).toEqual([['Jürgen', 'jürgen@bücher.example']]);
    expect(names(parsed.to)).toEqual([['', '用户@example.org'], ['Müller, Jürgen', 'δοκιμή@example.org'], ['', 'plain@example.org']]);
    expect(parsed.text).toBe('Grüße\n');
  });

  it('folds a header of UTF-8 addresses at whitespace, counting octets', () => {
    const list = Array.from({ length: 30 }, (_, i) => `用户${i}@example.org`).join(', ');
    const result = toSevenBit(message([`To: ${list}`], 'x\r\n'));
    expect(result.warnings).toEqual([]);
    const field = /^To:[^]*?\r\n(?![ \t])/m.exec(split(result.raw).header)?.[0] ?? '';
    for (const line of field.split('\r\n').filter(Boolean)) expect(line.length).toBeLessThanOrEqual(78);
    expect(Buffer.from(field.replace(/\r\n(?=[ \t])/g, ''), 'latin1').toString('utf8')).toBe(`To: ${list}\r\n`);
  });
});
