import { createPrivateKey, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, type SigningKey } from '../../../../apps/worker/src/signing/sign-message.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { dkimRecordValue, generateDkimKey } from '../crypto/dkim-key.ts';
import { toSevenBit } from './seven-bit.ts';
import { binaryContent, expectSevenBit, message } from './seven-bit-test-support.ts';

describe('DKIM over the 7-bit message', () => {
  let dns: TestDnsServer;
  let key: SigningKey;
  const domain = `seven-${randomBytes(4).toString('hex')}.test`;
  const attachment = binaryContent(3000);

  /** 8-bit headers and text, a long header line, dot-leading lines, a binary attachment. */
  const eightBitMessage = () =>
    message(
      [
        `From: Jürgen Müller <j@${domain}>`,
        'To: Zoë <zoe@example.test>',
        'Subject: Grüße — 東京 ✓',
        `References: ${Array.from({ length: 40 }, (_, i) => `<ref-${i}-${'r'.repeat(20)}@${domain}>`).join(' ')}`,
        'Date: Tue, 04 Mar 2025 10:00:00 +0000',
        `Message-ID: <${randomBytes(6).toString('hex')}@${domain}>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="dkim-b"',
      ],
      Buffer.concat([
        Buffer.from(`--dkim-b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nÄpfel\r\n.\r\n..\r\n.foo\r\n${'é'.repeat(700)}\r\n`, 'utf8'),
        Buffer.from('--dkim-b\r\nContent-Type: application/octet-stream; name="data.bin"\r\nContent-Transfer-Encoding: binary\r\n\r\n', 'utf8'),
        attachment,
        Buffer.from('\r\n--dkim-b--\r\n', 'utf8'),
      ]),
    );

  beforeAll(async () => {
    dns = await startDnsServer();
    const generated = generateDkimKey('rsa_sha256');
    dns.set(`s1._domainkey.${domain}`, [{ type: 'TXT', value: dkimRecordValue(generated) }]);
    key = { domain, selector: 's1', algorithm: 'rsa_sha256', privateKey: createPrivateKey(generated.privateKeyPem) };
  });

  afterAll(async () => {
    await dns?.close();
  });

  it('signs the converted message so that mailauth verifies it, and the content still parses to the original', async () => {
    const original = eightBitMessage();
    const converted = toSevenBit(original);
    expect(converted.changed).toBe(true);
    expect(converted.warnings).toEqual([]);
    const signed = signMessage(converted.raw, [key]);
    expectSevenBit(signed);

    const results = await verifyDkim(signed, dns);
    expect(results.map((r) => [r.domain, r.result])).toEqual([[domain, 'pass']]);

    const [before, after] = await Promise.all([simpleParser(original), simpleParser(signed)]);
    expect(after.text).toBe(before.text);
    expect(after.subject).toBe('Grüße — 東京 ✓');
    expect(after.attachments[0]?.content.equals(attachment)).toBe(true);
  });

  it('fails verification when one octet of the converted body changes after signing (the check can fail)', async () => {
    const signed = signMessage(toSevenBit(eightBitMessage()).raw, [key]);
    const tampered = Buffer.from(signed.toString('latin1').replace('=C3=84pfel', '=C3=96pfel'), 'latin1');
    expect(tampered.equals(signed)).toBe(false);
    // mailauth reports a body hash mismatch as "neutral" with this comment
    expect((await verifyDkim(tampered, dns)).map((r) => [r.result, r.comment])).toEqual([['neutral', 'body hash did not verify']]);
  });

  /**
   * A message whose header keeps UTF-8 addresses (RFC 6532); х is D1 85, an octet that is NEL in latin1.
   * No character here has the octet A0 in its UTF-8 (à is C3 A0): mailauth's verifier (4.13) collapses
   * that octet as whitespace in relaxed header canonicalization, which RFC 6376 §3.4.2 does not (only SP
   * and HTAB), so it fails RFC-correct signatures over such headers (see dkim-canonical.test.ts).
   */
  const eaiMessage = () =>
    message(
      [
        `From: Jürgen <jürgen@${domain}>`,
        'To: voilé@example.test,   "Ха" <хх@example.test>',
        'Cc: 用户@example.test',
        'Subject: Grüße',
        'Date: Tue, 04 Mar 2025 10:00:00 +0000',
        `Message-ID: <${randomBytes(6).toString('hex')}@${domain}>`,
      ],
      'Grüße\r\n',
    );

  it('signs a message whose header keeps UTF-8 addresses over their octets, and mailauth verifies it', async () => {
    const converted = toSevenBit(eaiMessage());
    expect(converted.warnings).toEqual([]);
    const signed = signMessage(converted.raw, [key]);
    expect(signed.toString('latin1')).toContain(Buffer.from('voilé@example.test').toString('latin1'));
    expect((await verifyDkim(signed, dns)).map((r) => [r.domain, r.result])).toEqual([[domain, 'pass']]);
    const parsed = await simpleParser(signed);
    expect(parsed.from?.value).toEqual([{ address: `jürgen@${domain}`, name: 'Jürgen' }]);
  });

  it('fails verification when one octet of a signed UTF-8 address changes (the check can fail)', async () => {
    const signed = signMessage(toSevenBit(eaiMessage()).raw, [key]);
    // voilé becomes voilè: C3 A9 becomes C3 A8
    const tampered = Buffer.from(signed.toString('latin1').replace('voil\xc3\xa9@', 'voil\xc3\xa8@'), 'latin1');
    expect(tampered.equals(signed)).toBe(false);
    expect((await verifyDkim(tampered, dns)).map((r) => r.result)).toEqual(['fail']);
  });
});
