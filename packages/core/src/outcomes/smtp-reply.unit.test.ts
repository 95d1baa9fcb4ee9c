import { describe, expect, it } from 'vitest';
import { parseReply, syntheticReply } from './smtp-reply.ts';

describe('parseReply', () => {
  it('reads the code, enhanced code and text of a single-line reply', () => {
    expect(parseReply('550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown\r\n')).toEqual({
      code: 550,
      enhanced: '5.1.1',
      text: '550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown',
    });
  });

  it('reads a multi-line reply from its first line and keeps every line in the text', () => {
    const raw = [
      '452-4.2.2 The email account that you tried to reach is over quota. Please direct',
      '452-4.2.2 the recipient to',
      '452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp a1si123 - gsmtp',
    ].join('\n');

    const reply = parseReply(raw);

    expect(reply.code).toBe(452);
    expect(reply.enhanced).toBe('4.2.2');
    expect(reply.text).toBe(raw);
  });

  it('reads a reply without an enhanced code as code and text only', () => {
    expect(parseReply('250 Ok: queued as 4F2A11C0E3')).toEqual({ code: 250, enhanced: null, text: '250 Ok: queued as 4F2A11C0E3' });
    expect(parseReply('421 Service not available')).toEqual({ code: 421, enhanced: null, text: '421 Service not available' });
  });

  it('does not take digits in the text for an enhanced code', () => {
    expect(parseReply('554 5.0.0.1 odd').enhanced).toBeNull();
    expect(parseReply('550 Address 1.2.3.4 is blocked').enhanced).toBeNull();
  });

  it('accepts three-digit subject and detail parts of an enhanced code', () => {
    expect(parseReply('550 5.7.509 Access denied, sending domain example.test does not pass DMARC verification').enhanced).toBe('5.7.509');
  });

  it('gives code 0 for something that is not an SMTP reply', () => {
    expect(parseReply('Connection closed unexpectedly')).toEqual({ code: 0, enhanced: null, text: 'Connection closed unexpectedly' });
  });
});

describe('syntheticReply', () => {
  it('writes the reply a server would have given, so it parses back to the same values', () => {
    const reply = syntheticReply(451, '4.4.3', 'DNS lookup failed');

    expect(reply).toEqual({ code: 451, enhanced: '4.4.3', text: '451 4.4.3 DNS lookup failed' });
    expect(parseReply(reply.text)).toEqual(reply);
  });
});
