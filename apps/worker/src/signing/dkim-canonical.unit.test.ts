import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { describe, expect, it } from 'vitest';
import { relaxedBodyHash, relaxedHeader } from './dkim-canonical.ts';

const { privateKey } = generateKeyPairSync('ed25519');
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** mailauth's body hash (bh=) for the same body: an independent implementation to agree with. */
async function mailauthBodyHash(body: Buffer): Promise<string> {
  const message = Buffer.concat([Buffer.from('From: a@example.test\r\nSubject: x\r\n\r\n'), body]);
  // mailauth reads its keys from signatureData (its typings describe an older, flat form)
  const options = {
    signatureData: [{ signingDomain: 'example.test', selector: 's', privateKey: pem, algorithm: 'ed25519-sha256', canonicalization: 'relaxed/relaxed' }],
  };
  const { signatures } = await dkimSign(message, options as unknown as Parameters<typeof dkimSign>[1]);
  const bh = /bh=([^;]+);/.exec(signatures.replace(/\r\n[ \t]+/g, ''))?.[1];
  if (!bh) throw new Error(`no bh= in ${signatures}`);
  return bh.replace(/\s+/g, '');
}

const bodies: [string, Buffer][] = [
  ['an empty body', Buffer.alloc(0)],
  ['plain prose, already in relaxed form but for its trailing empty lines', Buffer.from('Dear reader,\r\n\r\nsingle spaces only.\r\n\r\n\r\n')],
  ['only empty lines', Buffer.from('\r\n\r\n\r\n')],
  ['no final CRLF', Buffer.from('last line')],
  ['whitespace at line ends and runs of spaces and tabs', Buffer.from('a  \t b \t\r\n\t lead\r\n  \r\nend \t ')],
  ['whitespace-only lines at the end', Buffer.from('text\r\n \t\r\n\t\r\n\r\n')],
  ['8-bit octets, NBSP (not whitespace for DKIM) at a line end', Buffer.from('caf\xe9\xa0\r\nna\xefve \xa0 \r\n', 'latin1')],
  ['dot-leading lines', Buffer.from('.\r\n..\r\n.x \r\n')],
  // each alone, so the check for text already in relaxed form must see it
  ['one tab and nothing else to relax', Buffer.from('a\tb\r\nc\r\n')],
  ['one double space and nothing else to relax', Buffer.from('a  b\r\nc\r\n')],
  ['one space before a line break and nothing else to relax', Buffer.from('a b \r\nc\r\n')],
  ['a space then a tab', Buffer.from('a \tb\r\n')],
  ['a tab as the last octet of a line', Buffer.from('a\t\r\nb\r\n')],
  ['a space before a CR that is not a line break (left as it is)', Buffer.from('a \rb\r\n')],
];

describe('relaxed canonicalization', () => {
  it.each(bodies)('hashes %s as mailauth does', async (_name, body) => {
    expect(relaxedBodyHash(body)).toBe(await mailauthBodyHash(body));
  });

  it('hashes a body of several MB, hashed in slices, with whitespace around the cuts, as mailauth does', async () => {
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 3_500_000; i++) {
      lines.push(`${'word '.repeat(i % 40)}${' \t'.repeat(i % 5)}`);
      size += (lines[i] as string).length + 2;
    }
    const body = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    expect(relaxedBodyHash(body)).toBe(await mailauthBodyHash(body));
  });

  it('lower-cases the name, unfolds, makes each whitespace run one space and drops it around the colon and at the end', () => {
    expect(relaxedHeader('Subject :  Hello \t  there\r\n \t again  \r\n')).toBe('subject:Hello there again\r\n');
    expect(relaxedHeader('X-Empty:\r\n')).toBe('x-empty:\r\n');
    expect(relaxedHeader('X-Space: \r\n')).toBe('x-space:\r\n');
  });

  it('keeps octets that JavaScript trims but DKIM does not count as whitespace (NBSP, VT, FF)', () => {
    expect(relaxedHeader('X-A: \xa0value\xa0\r\n')).toBe('x-a:\xa0value\xa0\r\n');
    expect(relaxedHeader('X-B: \x0bv\x0c\r\n')).toBe('x-b:\x0bv\x0c\r\n');
  });

  it('keeps every octet of a UTF-8 header field (RFC 6532), A0 and 85 included, which are NBSP and NEL in latin1', () => {
    // "voilà" is …C3 A0, "х" is D1 85; mailauth's verifier (4.13) collapses the A0 as whitespace, RFC 6376 does not
    const field = Buffer.from('To:  voilà@example.test,\r\n\t"Ха" <хх@example.test>\r\n').toString('latin1');
    expect(Buffer.from(relaxedHeader(field), 'latin1').toString('utf8')).toBe('to:voilà@example.test, "Ха" <хх@example.test>\r\n');
  });
});
