import { describe, expect, it } from 'vitest';
import { readHeaderBlock } from './header-fields.ts';
import { looksLikeBounce, readTextBounce } from './parse-text-bounce.ts';

const headers = (...lines: string[]) => readHeaderBlock([...lines, ''].join('\r\n'));
const bounceHeaders = headers('From: MAILER-DAEMON@mx.example.org', 'To: bounces+1r01xyz@bounces.herald.test', 'Subject: Mail delivery failed');

describe('reading plain-text bounces', () => {
  it('never names a recipient that the notice does not: a bounce-like message without an address is not understood', () => {
    expect(readTextBounce(bounceHeaders, 'Your message could not be delivered. Sorry.\r\n')).toEqual({ kind: 'not-understood', reason: 'a generic delivery notice that names no recipient address', bounceLike: true });
  });

  it('does not take addresses from the returned copy of the original message', () => {
    const text = ['Hi. This is the qmail-send program at mail.example.com.', "I'm afraid I wasn't able to deliver your message.", '', '--- Below this line is a copy of the message.', '', '<victim@example.com>:', 'To: victim@example.com', ''].join('\n');
    expect(readTextBounce(bounceHeaders, text)).toEqual({ kind: 'not-understood', reason: 'a qmail delivery notice that names no recipient address', bounceLike: true });
  });

  it("does not take the reporting system's own mailboxes or the notice's own sender and recipient for failed recipients", () => {
    const text = ['This message was created automatically by mail delivery software.', 'The following address(es) failed:', '', '  postmaster@mx.example.org', '  bounces+1r01xyz@bounces.herald.test', '  real@example.net', '    550 5.1.1 User unknown', ''].join('\n');
    expect(readTextBounce(bounceHeaders, text)).toEqual({ kind: 'text-bounce', format: 'exim', action: 'failed', recipients: [{ address: 'real@example.net', smtpCode: 550, status: '5.1.1', diagnostic: '550 5.1.1 User unknown' }] });
  });

  it('reads a delay warning as delayed, not failed', () => {
    const text = ['This message was created automatically by mail delivery software.', 'A message that you sent has not yet been delivered to one or more of its', 'recipients after more than 24 hours on the queue on mail.example.net.', '', '  slow@example.net', '    Delay reason: SMTP error from remote mail server after RCPT TO:<slow@example.net>:', '    451 4.7.1 Greylisted, try again later', ''].join('\n');
    expect(readTextBounce(bounceHeaders, text)).toMatchObject({ action: 'delayed', recipients: [{ address: 'slow@example.net', smtpCode: 451, status: '4.7.1' }] });
  });

  it('answers unknown when the notice says neither permanent nor temporary, and gives no code it did not find', () => {
    expect(readTextBounce(bounceHeaders, 'Problem with your message to:\n\n<who@example.net>: see your administrator\n')).toEqual({ kind: 'text-bounce', format: 'generic', action: 'unknown', recipients: [{ address: 'who@example.net', diagnostic: 'see your administrator' }] });
  });

  it('takes the X-Failed-Recipients header as naming recipients', () => {
    const result = readTextBounce(headers('From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>', 'X-Failed-Recipients: a@example.net, b@example.net', 'Subject: Delivery Status Notification (Failure)'), 'Delivery to the following recipient failed permanently:\n\n     a@example.net\n\nTechnical details of permanent failure:\nStorage quota exceeded\n');
    expect(result).toMatchObject({ format: 'gmail', action: 'failed', recipients: [{ address: 'a@example.net' }, { address: 'b@example.net' }] });
  });

  it('keeps a person writing about an address out of the bounces', () => {
    expect(readTextBounce(headers('From: Oscar <oscar@example.net>', 'Subject: Re: hello'), 'Please write to\n  someone@example.net\nthanks\n')).toEqual({ kind: 'not-understood', reason: 'neither its headers nor its text say it is a delivery failure notice', bounceLike: false });
  });

  it('reads a huge notice in bounded time', () => {
    const text = `Your message could not be delivered.\n<a@b.example>: 550 5.1.1 unknown\n${'<a@b.example>x '.repeat(50_000)}\n${'z'.repeat(200_000)}`;
    const started = performance.now();
    const result = readTextBounce(bounceHeaders, text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ kind: 'text-bounce', recipients: [{ address: 'a@b.example', smtpCode: 550 }] });
  });

  it('recognises bounces by sender, subject and the headers bounces carry', () => {
    expect(looksLikeBounce(headers('From: Mail Delivery System <MAILER-DAEMON@mx.example.org>'))).toBe(true);
    expect(looksLikeBounce(headers('From: a@example.org', 'Subject: Undeliverable: hello'))).toBe(true);
    expect(looksLikeBounce(headers('From: a@example.org', 'X-MS-Exchange-Message-Is-Ndr:'))).toBe(true);
    expect(looksLikeBounce(headers('From: a@example.org', 'Subject: Re: delivery of the sofa'))).toBe(false);
  });
});
