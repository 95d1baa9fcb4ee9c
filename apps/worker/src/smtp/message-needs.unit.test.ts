import { describe, expect, it } from 'vitest';
import { messageNeeds, needsSmtpUtf8, refusedWithoutSmtpUtf8 } from './message-needs.ts';
import { BOUNCE_RULES, classifyReply, HARD_BOUNCE_CATEGORIES } from '@herald/core';

const ascii = Buffer.from('From: a@example.test\r\nTo: b@example.test\r\nSubject: x\r\n\r\nHello.\r\n');
const utf8Header = Buffer.from('From: a@example.test\r\nTo: jürgen@example.test\r\nSubject: x\r\n\r\nHello.\r\n');
const utf8Body = Buffer.from('From: a@example.test\r\nTo: b@example.test\r\nSubject: x\r\n\r\nGrüße.\r\n');

/** Every way of cutting a message in two, and in three. */
function cuts(message: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= message.length; i++) {
    out.push([message.subarray(0, i), message.subarray(i)]);
    for (let j = i; j <= message.length; j += 7) out.push([message.subarray(0, i), message.subarray(i, j), message.subarray(j)]);
  }
  return out;
}

describe('what a message on the wire needs of the server', () => {
  it('needs nothing for a 7-bit message', () => {
    expect(messageNeeds(ascii)).toEqual({ utf8Headers: false, eightBitBody: false });
  });

  it('needs SMTPUTF8 for UTF-8 in the header, and 8BITMIME for 8-bit octets in the body, each on its own', () => {
    expect(messageNeeds(utf8Header)).toEqual({ utf8Headers: true, eightBitBody: false });
    expect(messageNeeds(utf8Body)).toEqual({ utf8Headers: false, eightBitBody: true });
  });

  it('reads the same needs however the message is cut into parts (a DKIM-Signature part, then the message)', () => {
    for (const message of [ascii, utf8Header, utf8Body]) {
      const whole = messageNeeds(message);
      for (const parts of cuts(message)) expect(messageNeeds(parts)).toEqual(whole);
    }
    expect(messageNeeds([Buffer.from('DKIM-Signature: v=1; b=x\r\n'), utf8Header])).toEqual({ utf8Headers: true, eightBitBody: false });
  });

  it('ends the header at the first empty line only: a CRLF CRLF inside a line end and a line start', () => {
    // "\r\n\r\n" is the empty line; an 8-bit octet right after it is the body's
    expect(messageNeeds(Buffer.from('A: b\r\n\r\n\xfc', 'latin1'))).toEqual({ utf8Headers: false, eightBitBody: true });
    // a message that starts with the empty line has no header
    expect(messageNeeds(Buffer.from('\r\n\xfc', 'latin1'))).toEqual({ utf8Headers: false, eightBitBody: true });
    // no empty line at all: everything is header
    expect(messageNeeds(Buffer.from('A: \xfc\r\n', 'latin1'))).toEqual({ utf8Headers: true, eightBitBody: false });
  });

  it('needs SMTPUTF8 in a transaction for a UTF-8 header or any UTF-8 recipient', () => {
    const plain = { utf8Headers: false, eightBitBody: false };
    expect(needsSmtpUtf8(plain, ['ann@example.test'])).toBe(false);
    expect(needsSmtpUtf8(plain, ['ann@example.test', '用户@example.test'])).toBe(true);
    expect(needsSmtpUtf8({ ...plain, utf8Headers: true }, ['ann@example.test'])).toBe(true);
  });

  it('refuses, without SMTPUTF8 at the server, UTF-8 recipients with 553 5.6.7 and, when the header is UTF-8, the others with 550 5.6.9', () => {
    const recipients = ['jürgen@example.test', 'ann@example.test'];
    const asciiHeader = refusedWithoutSmtpUtf8(recipients, { utf8Headers: false, eightBitBody: false }, 'mx.example.test');
    expect([...asciiHeader.entries()]).toEqual([
      ['jürgen@example.test', { code: 553, enhanced: '5.6.7', text: '553 5.6.7 mx.example.test does not offer SMTPUTF8, which this internationalised address needs' }],
    ]);
    const utf8 = refusedWithoutSmtpUtf8(recipients, { utf8Headers: true, eightBitBody: false }, 'mx.example.test');
    expect([...utf8.values()].map((r) => [r.code, r.enhanced])).toEqual([
      [553, '5.6.7'],
      [550, '5.6.9'],
    ]);
    expect(refusedWithoutSmtpUtf8(['ann@example.test'], { utf8Headers: false, eightBitBody: true }, 'mx.example.test').size).toBe(0);
  });
});

describe('how Herald\'s own SMTPUTF8 refusals are classified', () => {
  it("bounces Herald's own SMTPUTF8 refusals as smtputf8, which is not a hard bounce that suppresses the address", () => {
    const replies = refusedWithoutSmtpUtf8(['jürgen@example.test', 'ann@example.test'], { utf8Headers: true, eightBitBody: false }, 'mx.example.test');
    for (const reply of replies.values()) {
      expect(BOUNCE_RULES.some((r) => r.pattern.test(reply.text))).toBe(false);
      expect(classifyReply(reply)).toEqual({ action: 'bounced', category: 'smtputf8' });
    }
    expect(HARD_BOUNCE_CATEGORIES.has('smtputf8')).toBe(false);
  });
});
