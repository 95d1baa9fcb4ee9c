import { describe, expect, it } from 'vitest';
import { readFieldGroups, readHeaderBlock } from './header-fields.ts';
import { readAddress, readDate, readSmtpReply, readStatus, readTypedAddress, readTypedValue } from './report-values.ts';

describe('reading report fields and values', () => {
  it('unfolds continuation lines and stops a header block at the first empty line', () => {
    expect(readHeaderBlock('Subject: a\r\n b\r\n\tc\r\nX-Y: 1\r\n\r\nBody: not a header\r\n')).toEqual([{ name: 'subject', value: 'a b c' }, { name: 'x-y', value: '1' }]);
  });

  it('skips lines that are not fields, and a continuation before any field', () => {
    expect(readHeaderBlock(' orphan continuation\nnot a field\nGood: yes\n:empty name\n')).toEqual([{ name: 'good', value: 'yes' }]);
  });

  it('splits field groups at blank lines and drops empty groups', () => {
    expect(readFieldGroups('A: 1\n\n\n\nB: 2\nC: 3\n \n').map((g) => g.map((f) => f.name))).toEqual([['a'], ['b', 'c']]);
  });

  it('reads type;value pairs, with or without spaces and with unknown types', () => {
    expect(readTypedValue('rfc822;a@b.example')).toEqual({ type: 'rfc822', value: 'a@b.example' });
    expect(readTypedValue('X-Postfix; connect to x: timed out')).toEqual({ type: 'x-postfix', value: 'connect to x: timed out' });
    expect(readTypedValue('dns; mx.example.net. (192.0.2.1)')).toEqual({ type: 'dns', value: 'mx.example.net' });
    expect(readTypedValue('no type here')).toEqual({ type: '', value: 'no type here' });
    expect(readTypedValue('rfc822;   ')).toBeUndefined();
  });

  it('reads addresses only where the type says an address, and only when they look like one', () => {
    expect(readTypedAddress('rfc822; <a@b.example>')).toBe('a@b.example');
    expect(readTypedAddress('utf-8; jürgen@example.de')).toBe('jürgen@example.de');
    expect(readTypedAddress('x400; c=us;a= ;p=x')).toBeUndefined();
    for (const bad of ['a@b', '@b.example', 'a b@c.example', 'a@b.example,c@d.example', `${'x'.repeat(65)}@b.example`, '<script>@x.example']) expect(readAddress(bad), bad).toBeUndefined();
  });

  it('reads enhanced status codes of class 2, 4 and 5 only, comments aside', () => {
    expect(readStatus('5.1.1 (bad destination mailbox)')).toBe('5.1.1');
    expect(readStatus('4.4.7')).toBe('4.4.7');
    expect(readStatus('2.0.0')).toBe('2.0.0');
    for (const bad of ['3.1.1', '5.1', '5.1.1.1', '55.1.1', 'five', '5.1000.1']) expect(readStatus(bad), bad).toBeUndefined();
  });

  it('reads SMTP replies as bounces quote them, preferring a code followed by an enhanced code', () => {
    expect(readSmtpReply('550 5.1.1 <a@b>: unknown')).toEqual({ code: 550, status: '5.1.1' });
    expect(readSmtpReply('550-5.1.1 The email account')).toEqual({ code: 550, status: '5.1.1' });
    expect(readSmtpReply('#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##')).toEqual({ code: 550, status: '5.1.1' });
    expect(readSmtpReply('on 03/12/2024 10:41 <mx #5.1.1 smtp;550 5.1.1 User unknown>')).toEqual({ code: 550, status: '5.1.1' });
    expect(readSmtpReply('554: delivery error: dd This user doesn\'t have an account')).toEqual({ code: 554 });
    expect(readSmtpReply('host 192.0.2.250 said nothing useful')).toEqual({});
  });

  it('reads RFC 5322 dates and refuses what is not one', () => {
    expect(readDate('Tue,  3 Dec 2024 10:15:01 +0000 (UTC)')).toEqual(new Date('2024-12-03T10:15:01Z'));
    expect(readDate('yesterday')).toBeUndefined();
    expect(readDate('Tue, 99 Foo 2024 99:99:99')).toBeUndefined();
  });
});
