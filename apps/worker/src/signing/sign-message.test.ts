import { createPrivateKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimRecordValue, generateDkimKey } from '@herald/core';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { dkimSignatures, signMessage, type SigningKey } from './sign-message.ts';

/** A CRLF message from header lines and body lines. */
function message(headers: string[], body: string[]): Buffer {
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body.join('\r\n')}\r\n`, 'utf8');
}

/** The tags of each DKIM-Signature header in a block of header lines, unfolded. */
function signatureTags(headerBlock: string): Record<string, string>[] {
  const unfolded = headerBlock.replace(/\r\n[ \t]+/g, ' ');
  return unfolded
    .split('\r\n')
    .filter((line) => /^DKIM-Signature:/i.test(line))
    .map((line) => {
      const tags: Record<string, string> = {};
      for (const part of line.slice(line.indexOf(':') + 1).split(';')) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        tags[part.slice(0, eq).trim()] = part.slice(eq + 1).replace(/\s+/g, '');
      }
      return tags;
    });
}

describe('DKIM signing', () => {
  let dns: TestDnsServer;
  const domain = `sign-${randomBytes(4).toString('hex')}.test`;
  let rsa: SigningKey;
  let ed25519: SigningKey;

  const plain = () =>
    message(
      [
        `From: Alice <alice@${domain}>`,
        'To: Bob <bob@example.test>',
        'Subject: Quarterly report',
        'Date: Tue, 04 Mar 2025 10:00:00 +0000',
        `Message-ID: <${randomBytes(6).toString('hex')}@${domain}>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
      ],
      ['Hello Bob,', '', 'The numbers are in.'],
    );

  beforeAll(async () => {
    dns = await startDnsServer();
    for (const [selector, algorithm] of [['rsa1', 'rsa_sha256'], ['ed1', 'ed25519_sha256']] as const) {
      const generated = generateDkimKey(algorithm);
      dns.set(`${selector}._domainkey.${domain}`, [{ type: 'TXT', value: dkimRecordValue(generated) }]);
      const key: SigningKey = { domain, selector, algorithm, privateKey: createPrivateKey(generated.privateKeyPem) };
      if (algorithm === 'rsa_sha256') rsa = key;
      else ed25519 = key;
    }
  });

  afterAll(async () => {
    await dns?.close();
  });

  it('produces an RSA-2048 signature that mailauth verifies against the published key', async () => {
    const signed = signMessage(plain(), [rsa]);

    const results = await verifyDkim(signed, dns);

    expect(results).toEqual([{ domain, selector: 'rsa1', result: 'pass', algorithm: 'rsa-sha256' }]);
  });

  it('adds an Ed25519 signature next to the RSA one, and both verify', async () => {
    const signed = signMessage(plain(), [rsa, ed25519]);

    const results = await verifyDkim(signed, dns);

    expect(signatureTags(signed.toString('latin1').split('\r\n\r\n')[0] as string)).toHaveLength(2);
    expect(results).toHaveLength(2);
    expect(results).toEqual(
      expect.arrayContaining([
        { domain, selector: 'rsa1', result: 'pass', algorithm: 'rsa-sha256' },
        { domain, selector: 'ed1', result: 'pass', algorithm: 'ed25519-sha256' },
      ]),
    );
  });

  it('oversigns From (listed twice in h=), uses relaxed/relaxed, and never rsa-sha1 or a body length limit', () => {
    const tags = signatureTags(dkimSignatures(plain(), [rsa, ed25519]));

    expect(tags.map((t) => t.a)).toEqual(['rsa-sha256', 'ed25519-sha256']);
    for (const t of tags) {
      const signed = (t.h ?? '').toLowerCase().split(':');
      expect(signed.filter((name) => name === 'from')).toHaveLength(2);
      expect(signed.filter((name) => name === 'subject')).toHaveLength(2);
      expect(signed).toContain('content-type');
      expect(t.c).toBe('relaxed/relaxed');
      expect(t.d).toBe(domain);
      expect(t).not.toHaveProperty('l');
      expect(t.a).not.toBe('rsa-sha1');
    }
  });

  it('signs each instance of a repeated header bottom-up and oversigns once more', () => {
    const twoTo = message([`From: a@${domain}`, 'To: one@example.test', 'To: two@example.test', 'Subject: x'], ['hi']);

    const [tags] = signatureTags(dkimSignatures(twoTo, [rsa]));

    expect((tags?.h ?? '').toLowerCase().split(':').filter((name) => name === 'to')).toHaveLength(3);
  });

  it('breaks both signatures when a second From header is added after signing', async () => {
    const signed = signMessage(plain(), [rsa, ed25519]);
    expect((await verifyDkim(signed, dns)).map((r) => r.result)).toEqual(['pass', 'pass']);

    const forged = Buffer.concat([Buffer.from('From: Mallory <mallory@evil.test>\r\n'), signed]);
    const results = await verifyDkim(forged, dns);

    expect(results.map((r) => r.result)).toEqual(['fail', 'fail']);
    expect(results.map((r) => r.comment)).toEqual(['bad signature', 'bad signature']);
  });

  it('verifies a message with long folded headers, an 8-bit UTF-8 body and lines starting with a dot', async () => {
    const recipients = Array.from({ length: 12 }, (_, i) => `"Recipient Number ${i}" <recipient.number.${i}@example.test>`);
    const original = message(
      [
        `From: Alice <alice@${domain}>`,
        `To: ${recipients.join(',\r\n\t')}`,
        'Subject: =?UTF-8?B?w5xiZXIgZGllIEJyw7xja2U=?= and a rather long subject line that goes on\r\n and on past the usual width\r\n  with   odd    spacing   ',
        'Date: Tue, 04 Mar 2025 10:00:00 +0000',
        `Message-ID: <${randomBytes(6).toString('hex')}@${domain}>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain;\r\n charset=utf-8;\r\n format=flowed',
        'Content-Transfer-Encoding: 8bit',
      ],
      ['Grüße aus Köln — 日本語のテキスト ✉', '.', '.leading dot', '..two dots', 'trailing spaces   ', '', '', ''],
    );
    expect(original.some((byte) => byte > 0x7f)).toBe(true);

    const results = await verifyDkim(signMessage(original, [rsa, ed25519]), dns);

    expect(results.map((r) => [r.algorithm, r.result])).toEqual([
      ['rsa-sha256', 'pass'],
      ['ed25519-sha256', 'pass'],
    ]);
  });

  it('fails verification when a single body byte changes after signing', async () => {
    const signed = signMessage(plain(), [rsa]);
    expect((await verifyDkim(signed, dns))[0]?.result).toBe('pass');

    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('numbers');
    tampered[at] = 'N'.charCodeAt(0);
    const [result] = await verifyDkim(tampered, dns);

    expect(result?.result).not.toBe('pass');
    expect(result?.comment).toBe('body hash did not verify');
  });

  it('returns the message unchanged when there is no key to sign with', () => {
    const original = plain();

    expect(signMessage(original, [])).toBe(original);
  });
});
