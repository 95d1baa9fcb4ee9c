import { describe, expect, it } from 'vitest';
import { classifyNotification } from './read-notification.ts';
import { deliveryStatus, multipart, NOTICE, RETURNED_HEADERS, statusFields } from './report-test-support.ts';

const failed = statusFields(['Final-Recipient: rfc822; alice@example.org', 'Action: failed', 'Status: 5.1.1']);
const plain = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('classifying what arrives at the inbound MX', () => {
  it('takes a DSN for a DSN although it is marked auto-replied, as Postfix and Exim mark theirs', async () => {
    const raw = multipart({ headers: ['Auto-Submitted: auto-replied'], parts: [NOTICE, deliveryStatus(failed), RETURNED_HEADERS] });
    expect(await classifyNotification(raw)).toMatchObject({ kind: 'dsn', recipients: [{ finalRecipient: 'alice@example.org' }] });
  });

  it('takes a complaint for a complaint although it is auto-generated', async () => {
    const raw = multipart({ headers: ['Auto-Submitted: auto-generated'], reportType: 'feedback-report', parts: [NOTICE, { type: 'message/feedback-report', body: 'Feedback-Type: abuse\r\nUser-Agent: X/1\r\nVersion: 1\r\n' }, RETURNED_HEADERS] });
    expect(await classifyNotification(raw)).toMatchObject({ kind: 'complaint', feedbackType: 'abuse' });
  });

  it('takes a text bounce marked auto-replied for a bounce, not an out-of-office', async () => {
    const raw = plain('From: Mail Delivery System <Mailer-Daemon@mx.example.net>', 'Auto-Submitted: auto-replied', 'Subject: Mail delivery failed: returning message to sender', '', 'This message was created automatically by mail delivery software.', '', 'A message that you sent could not be delivered to one or more of its', 'recipients. This is a permanent error. The following address(es) failed:', '', '  gone@example.net', '    550 5.1.1 User unknown', '');
    expect(await classifyNotification(raw)).toMatchObject({ kind: 'text-bounce', format: 'exim', action: 'failed', recipients: [{ address: 'gone@example.net', status: '5.1.1' }] });
  });

  it('takes an out-of-office for an auto-reply, and returns the headers it quotes', async () => {
    const raw = multipart({ type: 'multipart/mixed', base: ['From: Grace <grace@example.org>', 'Subject: Automatic reply: Your receipt'], headers: ['Auto-Submitted: auto-replied'], parts: [{ type: 'text/plain', body: 'I am away.' }, RETURNED_HEADERS] });
    expect(await classifyNotification(raw)).toMatchObject({ kind: 'auto-reply', evidence: 'Auto-Submitted: auto-replied', originalHeaders: { messageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N@app.example.com' } });
  });

  it('prefers the reason a broken delivery-status part gives over the text reader\'s', async () => {
    const raw = multipart({ parts: [NOTICE, deliveryStatus('Reporting-MTA: dns; mx.example.org\r\n\r\nAction: failed\r\n')] });
    expect(await classifyNotification(raw)).toMatchObject({ kind: 'unrecognized', bounceLike: true, reason: 'the delivery-status part has no readable recipient group (recipient group 1: no readable Final-Recipient)' });
  });

  it('answers unrecognized, never throws, for garbage, an empty message, deep nesting and an oversized one', async () => {
    expect(await classifyNotification(Buffer.alloc(0))).toMatchObject({ kind: 'unrecognized', bounceLike: false });
    expect(await classifyNotification(Buffer.from([0, 0, 0, 255, 254, 10, 13]))).toMatchObject({ kind: 'unrecognized' });
    let nested = 'Content-Type: text/plain\r\n\r\nbottom\r\n';
    for (let depth = 0; depth < 60; depth++) nested = `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${nested}--b${depth}--\r\n`;
    expect(await classifyNotification(Buffer.from(`Subject: deep\r\n${nested}`))).toMatchObject({ kind: 'unrecognized' });
    const big = Buffer.alloc(2048, 'a');
    expect(await classifyNotification(big, { maxBytes: 1024 })).toEqual({ kind: 'unrecognized', reason: 'the message is 2048 bytes, over the 1024 read', bounceLike: false, notification: {} });
  });

  it('summarises the notification itself: subject (decoded), sender and Message-ID', async () => {
    const raw = plain('From: "Postmaster" <postmaster@example.org>', 'Subject: =?utf-8?q?Unzustellbar=3A_Rechnung?=', 'Message-ID: <n1@example.org>', '', 'hello', '');
    expect((await classifyNotification(raw)).notification).toEqual({ subject: 'Unzustellbar: Rechnung', from: 'postmaster@example.org', messageId: 'n1@example.org' });
  });
});
