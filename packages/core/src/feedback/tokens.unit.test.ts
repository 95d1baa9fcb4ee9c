import { describe, expect, it } from 'vitest';
import { newId } from '../ids.ts';
import { BASE32_ALPHABET, encodeBase32 } from './base32.ts';
import { recognizeInboundAddress } from './inbound-address.ts';
import { TOKEN_LENGTH, issueToken, verifyToken } from './signed-token.ts';
import { deriveFeedbackKeys, deriveTokenKey } from './token-keys.ts';
import { listUnsubscribeHeaders, readUnsubscribeAddress, readUnsubscribeToken, unsubscribeToken, unsubscribeUrl } from './unsubscribe-token.ts';
import { readVerpAddress, verpAddress } from './verp-address.ts';

const master = Buffer.alloc(32, 0x42);
const keys = deriveFeedbackKeys(master);
const otherKeys = deriveFeedbackKeys(Buffer.alloc(32, 0x43));
const recipient = { kind: 'recipient', id: 'rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P' } as const;
const message = { kind: 'message', id: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8Q' } as const;

describe('signed feedback tokens', () => {
  it('give back the recipient or message they were issued for', () => {
    for (const subject of [recipient, message]) {
      const token = issueToken(keys.verp, subject);
      expect(token).toHaveLength(TOKEN_LENGTH);
      expect(token).toMatch(/^[0-9a-z]+$/);
      expect(verifyToken([keys.verp], 'verp', token)).toEqual({ ok: true, version: '1', subject });
    }
  });

  it('are the same for the same key and id, so the format is stable across processes and releases', () => {
    // a known answer: changing the derivation labels, the layout or the MAC would break every token in flight
    expect(issueToken(keys.verp, recipient)).toBe(issueToken(deriveTokenKey(Buffer.alloc(32, 0x42), 'verp'), recipient));
    expect(issueToken(keys.verp, recipient)).toMatchInlineSnapshot(`"1r01jdq3v8q6x3g7n1zj4y2k5w8pc5g203tzssn0v8fv"`);
  });

  it('refuse every single-character change at every position', () => {
    const token = issueToken(keys.verp, recipient);
    let tried = 0;
    for (let i = 0; i < token.length; i++) {
      for (const c of BASE32_ALPHABET) {
        if (c === token[i]) continue;
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyToken([keys.verp], 'verp', changed).ok, `position ${i} changed to ${c}`).toBe(false);
        tried++;
      }
    }
    expect(tried).toBe(TOKEN_LENGTH * 31);
  });

  it('refuse a token signed with another master key', () => {
    const forged = issueToken(otherKeys.verp, recipient);
    expect(verifyToken([keys.verp], 'verp', forged)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuse a token made for another purpose: a return path is not an unsubscribe token', () => {
    const verp = issueToken(keys.verp, recipient);
    expect(verifyToken([keys.verp, keys.unsubscribe], 'unsubscribe', verp)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(readUnsubscribeToken([keys.unsubscribe], verp)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuse an unknown version, and accept an older one only while its key is still listed', () => {
    const next = deriveTokenKey(Buffer.alloc(32, 0x44), 'verp', '2');
    const newer = issueToken(next, recipient);
    expect(newer[0]).toBe('2');
    expect(verifyToken([keys.verp], 'verp', newer)).toEqual({ ok: false, reason: 'unknown_version' });
    const older = issueToken(keys.verp, recipient);
    expect(verifyToken([next, keys.verp], 'verp', older).ok).toBe(true);
    expect(verifyToken([next], 'verp', older)).toEqual({ ok: false, reason: 'unknown_version' });
  });

  it('refuse what is not a token: wrong length, look-alike characters, a kind or id that cannot be', () => {
    const token = issueToken(keys.verp, recipient);
    for (const bad of ['', token.slice(0, -1), `${token}0`, `${token.slice(0, 10)}i${token.slice(11)}`, `${token.slice(0, 10)}o${token.slice(11)}`, `${token.slice(0, 10)}-${token.slice(11)}`, `1x${token.slice(2)}`, `1r8${token.slice(3)}`, `${token.slice(0, 20)}\u0000${token.slice(21)}`, 'é'.repeat(44)]) {
      expect(verifyToken([keys.verp], 'verp', bad)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('are issued only for Herald ids of the kind they claim', () => {
    expect(() => issueToken(keys.verp, { kind: 'recipient', id: message.id })).toThrow(/not a recipient id/);
    expect(() => issueToken(keys.verp, { kind: 'message', id: 'msg_../../etc' })).toThrow(/not a message id/);
  });

  it('derive different keys for each purpose and refuse a short master key', () => {
    expect(keys.verp.key.equals(keys.unsubscribe.key)).toBe(false);
    expect(keys.verp.key.equals(master)).toBe(false);
    expect(() => deriveTokenKey(Buffer.alloc(16), 'verp')).toThrow(/at least 32 bytes/);
    expect(() => deriveTokenKey(master, 'verp', 'u')).toThrow(/one character/);
  });

  it('encode base32 as the ULID alphabet in lower case', () => {
    expect(encodeBase32(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]))).toBe('zzzzzzzz');
    // RFC 4648's test vector, its alphabet (A-Z2-7) mapped index for index onto this one
    const rfc4648 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const mapped = [...'MZXW6YTBOI'].map((c) => BASE32_ALPHABET[rfc4648.indexOf(c)]).join('');
    expect(encodeBase32(Buffer.from('foobar'))).toBe(mapped);
  });
});

describe('VERP return paths', () => {
  it('fit the 64-octet local-part limit with real ids, measured', () => {
    for (let i = 0; i < 20; i++) {
      const address = verpAddress(keys.verp, { kind: 'recipient', id: newId('recipient') }, 'bounces.herald.test');
      const local = address.slice(0, address.lastIndexOf('@'));
      expect(Buffer.byteLength(local)).toBe(52);
      expect(Buffer.byteLength(local)).toBeLessThanOrEqual(64);
      expect(verpAddress(keys.verp, { kind: 'message', id: newId('message') }, 'x.test').indexOf('@')).toBe(52);
    }
  });

  it('read back the subject, also when an MTA upper-cased the local part or added angle brackets', () => {
    const address = verpAddress(keys.verp, recipient, 'Bounces.Herald.Test');
    expect(address).toMatch(/^bounces\+1r[0-9a-z]{42}@Bounces\.Herald\.Test$/);
    expect(readVerpAddress([keys.verp], address)).toEqual({ ok: true, version: '1', subject: recipient, domain: 'bounces.herald.test' });
    expect(readVerpAddress([keys.verp], `<${address.toUpperCase()}>`)).toMatchObject({ ok: true, subject: recipient });
  });

  it('refuse the unsigned return paths Herald used to send, and other mailboxes', () => {
    expect(readVerpAddress([keys.verp], `bounces+${recipient.id}@herald.test`)).toEqual({ ok: false, reason: 'malformed' });
    expect(readVerpAddress([keys.verp], 'postmaster@herald.test')).toEqual({ ok: false, reason: 'not_verp' });
    expect(readVerpAddress([keys.verp], 'bounces+@')).toEqual({ ok: false, reason: 'not_verp' });
    expect(readVerpAddress([keys.verp], verpAddress(otherKeys.verp, recipient, 'herald.test'))).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('unsubscribe tokens', () => {
  it('make RFC 8058 headers: an HTTPS URL first, a mailto, and the one-click Post value', () => {
    const headers = listUnsubscribeHeaders(keys.unsubscribe, recipient, { urlBase: 'https://mail.herald.test/u/', mailDomain: 'bounces.herald.test' });
    const token = unsubscribeToken(keys.unsubscribe, recipient);
    expect(headers).toEqual({
      'List-Unsubscribe': `<https://mail.herald.test/u/${token}>, <mailto:unsubscribe+${token}@bounces.herald.test>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('read back from the URL token and from the mailto address, case-folded too', () => {
    const token = unsubscribeToken(keys.unsubscribe, message);
    expect(readUnsubscribeToken([keys.unsubscribe], token)).toEqual({ ok: true, version: '1', subject: message });
    expect(readUnsubscribeAddress([keys.unsubscribe], `UNSUBSCRIBE+${token.toUpperCase()}@BOUNCES.HERALD.TEST`)).toEqual({ ok: true, version: '1', subject: message, domain: 'bounces.herald.test' });
  });

  it('refuse a URL that is not https, or one whose query would be lost', () => {
    expect(() => unsubscribeUrl('http://mail.herald.test/u/', 'x')).toThrow(/https/);
    expect(() => unsubscribeUrl('https://mail.herald.test/u/?a=1', 'x')).toThrow(/no query/);
    expect(() => unsubscribeToken(keys.verp, recipient)).toThrow(/unsubscribe key/);
  });
});

describe('the inbound MX deciding at RCPT', () => {
  const rules = { keys: [keys.verp, keys.unsubscribe], isOwnDomain: (d: string) => d === 'bounces.herald.test', complaintMailbox: 'fbl' };

  it('accepts signed return paths, signed unsubscribe mailboxes and the complaint mailbox of its own domains', () => {
    expect(recognizeInboundAddress(verpAddress(keys.verp, recipient, 'bounces.herald.test'), rules)).toEqual({ kind: 'bounce', subject: recipient });
    expect(recognizeInboundAddress(`unsubscribe+${unsubscribeToken(keys.unsubscribe, recipient)}@bounces.herald.test`, rules)).toEqual({ kind: 'unsubscribe', subject: recipient });
    expect(recognizeInboundAddress('FBL@Bounces.Herald.Test', rules)).toEqual({ kind: 'complaints' });
  });

  it('refuses everything else: other domains, forged or guessed tokens, a token under the wrong label, plain mailboxes', () => {
    const refused = (address: string) => recognizeInboundAddress(address, rules).kind;
    expect(refused(verpAddress(keys.verp, recipient, 'example.com'))).toBe('refused');
    expect(refused(verpAddress(otherKeys.verp, recipient, 'bounces.herald.test'))).toBe('refused');
    expect(refused(`bounces+${recipient.id}@bounces.herald.test`)).toBe('refused');
    expect(refused(`unsubscribe+${issueToken(keys.verp, recipient)}@bounces.herald.test`)).toBe('refused');
    expect(refused('postmaster@bounces.herald.test')).toBe('refused');
    expect(refused('no-at-sign')).toBe('refused');
    expect(recognizeInboundAddress(verpAddress(otherKeys.verp, recipient, 'bounces.herald.test'), rules)).toEqual({ kind: 'refused', reason: 'return path refused: bad_signature' });
  });
});
