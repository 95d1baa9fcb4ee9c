import { describe, expect, it } from 'vitest';
import { buildMessage } from './build-message.ts';
import { normalizeCrlf } from './normalize-crlf.ts';

describe('line endings', () => {
  it('turns bare LF and bare CR into CRLF and leaves CRLF alone', () => {
    expect(normalizeCrlf(Buffer.from('a\nb\rc\r\nd\r\r\n')).toString()).toBe('a\r\nb\r\nc\r\nd\r\n\r\n');
  });

  it('keeps every other byte, including 8-bit ones, exactly', () => {
    const input = Buffer.from([0x61, 0xff, 0x0a, 0x80, 0x00, 0x2e]);
    expect([...normalizeCrlf(input)]).toEqual([0x61, 0xff, 0x0d, 0x0a, 0x80, 0x00, 0x2e]);
  });
});

describe('building the message', () => {
  it('produces CRLF-only RFC 5322 text with the given Message-ID and encoded non-ASCII headers', () => {
    const raw = (
      buildMessage({
        from: { email: 'a@example.com', name: 'Ärger' },
        to: [{ email: 'b@example.org' }],
        cc: [{ email: 'c@example.org', name: 'C' }],
        subject: 'Привет',
        text: 'line one\nline two\r.\n.dot-leading',
      }, { messageId: 'msg_1@example.com', date: new Date('2026-01-02T03:04:05Z') })
    ).toString('latin1');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw).toContain('Message-ID: <msg_1@example.com>');
    expect(raw).toContain('Date: Fri, 02 Jan 2026 03:04:05 +0000');
    expect(raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/m);
    expect(raw).toMatch(/^From: =\?UTF-8\?[BQ]\?.+\?= <a@example.com>/m);
    expect(raw).toMatch(/^Cc: C <c@example.org>/m);
    expect(raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
  });

  it('never reads a file or URL even when given something path-like as content', () => {
    const raw = (
      buildMessage({
        from: { email: 'a@example.com' },
        to: [{ email: 'b@example.org' }],
        subject: 's',
        text: '/etc/passwd',
        html: 'https://169.254.169.254/latest/meta-data/',
      }, { messageId: 'm@example.com', date: new Date() })
    ).toString();
    expect(raw).toContain('/etc/passwd');
    expect(raw).not.toContain('root:x:0:0');
    expect(raw).toContain('169.254.169.254');
  });
});
