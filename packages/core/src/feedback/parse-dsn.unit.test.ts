import { describe, expect, it } from 'vitest';
import { parseDsn, type DsnResult } from './parse-dsn.ts';
import { deliveryStatus, multipart, NOTICE, RETURNED_HEADERS, statusFields } from './report-test-support.ts';

const failed = ['Final-Recipient: rfc822; alice@example.org', 'Action: failed', 'Status: 5.1.1'];
const dsn = async (raw: Buffer): Promise<Extract<DsnResult, { kind: 'dsn' }>> => {
  const result = await parseDsn(raw);
  if (result.kind !== 'dsn') throw new Error(`expected a DSN, got: ${result.reason}`);
  return result;
};

describe('reading RFC 3464 delivery status notifications', () => {
  it('reads type;value fields, folded fields and field names in any case', async () => {
    const report = await dsn(multipart({ parts: [NOTICE, deliveryStatus(statusFields([
      'FINAL-RECIPIENT: RFC822;<Alice@Example.org>',
      'action: Failed',
      'status: 5.1.1 (mailbox unknown)',
      'remote-mta: DNS; mx.example.org',
      'Diagnostic-Code: smtp; 550 5.1.1 <alice@example.org>:',
      '\tRecipient address rejected:',
      '   User unknown',
    ])), RETURNED_HEADERS] }));
    expect(report.recipients).toEqual([{
      finalRecipient: 'Alice@Example.org',
      action: 'failed',
      status: '5.1.1',
      remoteMta: { type: 'dns', value: 'mx.example.org' },
      diagnosticCode: { type: 'smtp', value: '550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown' },
      smtpCode: 550,
    }]);
    expect(report.reportingMta).toEqual({ type: 'dns', value: 'mx.example.org' });
  });

  it('reads each recipient group separated by blank lines, also when the blank lines carry spaces', async () => {
    const body = ['Reporting-MTA: dns; mx.example.org', '   ', ...failed, ' \t', 'Final-Recipient: rfc822; bob@example.org', 'Action: delayed', 'Status: 4.4.7', '', '', ''].join('\r\n');
    const report = await dsn(multipart({ parts: [NOTICE, deliveryStatus(body)] }));
    expect(report.recipients.map((r) => [r.finalRecipient, r.action, r.status])).toEqual([['alice@example.org', 'failed', '5.1.1'], ['bob@example.org', 'delayed', '4.4.7']]);
  });

  it('takes the status from the Diagnostic-Code when Status is missing, and says which groups it could not use', async () => {
    const report = await dsn(multipart({ parts: [NOTICE, deliveryStatus(statusFields(
      ['Final-Recipient: rfc822; alice@example.org', 'Action: failed', 'Diagnostic-Code: smtp; 550-5.7.1 Blocked'],
      ['Final-Recipient: rfc822; bob@example.org', 'Action: bounced', 'Status: 5.0.0'],
      ['Final-Recipient: rfc822; not an address', 'Action: failed', 'Status: 5.0.0'],
      ['Final-Recipient: rfc822; carol@example.org', 'Action: failed', 'Status: 9.9.9'],
    ))] }));
    expect(report.recipients).toEqual([{ finalRecipient: 'alice@example.org', action: 'failed', status: '5.7.1', smtpCode: 550, diagnosticCode: { type: 'smtp', value: '550-5.7.1 Blocked' } }]);
    expect(report.problems).toEqual([
      'recipient group 2: unknown Action "bounced" for bob@example.org',
      'recipient group 3: no readable Final-Recipient',
      'recipient group 4: no readable Status for carol@example.org',
    ]);
  });

  it('answers not-dsn with the reason when no recipient group can be read, or there is no delivery-status part', async () => {
    expect(await parseDsn(multipart({ parts: [NOTICE, deliveryStatus('Reporting-MTA: dns; mx.example.org\r\n')] }))).toEqual({ kind: 'not-dsn', reason: 'the delivery-status part has no readable recipient group' });
    expect(await parseDsn(multipart({ parts: [NOTICE] }))).toEqual({ kind: 'not-dsn', reason: 'a delivery-status report without a message/delivery-status part' });
    expect(await parseDsn(Buffer.from('Subject: hello\r\n\r\nhi\r\n'))).toEqual({ kind: 'not-dsn', reason: 'no message/delivery-status part' });
  });

  it('reads a report whose original message is missing, without original headers', async () => {
    const report = await dsn(multipart({ parts: [NOTICE, deliveryStatus(statusFields(failed))] }));
    expect(report.originalHeaders).toBeUndefined();
    expect(report.recipients).toHaveLength(1);
  });

  it('reads a report nested in a multipart/mixed (a gateway added a footer), and RFC 6533 global delivery status', async () => {
    const inner = multipart({ boundary: 'inner', parts: [NOTICE, { type: 'message/global-delivery-status', body: statusFields(['Final-Recipient: utf-8; jürgen@example.de', 'Action: failed', 'Status: 5.1.1']) }] });
    const innerBody = inner.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n');
    const outer = multipart({
      type: 'multipart/mixed',
      parts: [{ type: 'multipart/report; report-type=delivery-status; boundary="inner"', body: innerBody }, { type: 'text/plain', body: 'Scanned by ExampleGateway' }],
    });
    expect((await dsn(outer)).recipients[0]).toMatchObject({ finalRecipient: 'jürgen@example.de', action: 'failed' });
  });

  it('does not take a bounce forwarded as an attached message for a bounce of its own', async () => {
    const forwarded = multipart({ parts: [NOTICE, deliveryStatus(statusFields(failed)), RETURNED_HEADERS] });
    const wrapper = multipart({ type: 'multipart/mixed', boundary: 'outer', parts: [{ type: 'text/plain', body: 'FYI, see the bounce below' }, { type: 'message/rfc822', body: forwarded.toString('utf8'), headers: ['Content-Disposition: inline'] }] });
    expect(await parseDsn(wrapper)).toEqual({ kind: 'not-dsn', reason: 'no message/delivery-status part' });
  });

  it('reads bare LF line endings and a base64-encoded delivery-status part', async () => {
    const body = Buffer.from(statusFields(failed)).toString('base64');
    const raw = multipart({ parts: [NOTICE, { type: 'message/delivery-status', headers: ['Content-Transfer-Encoding: base64'], body }, RETURNED_HEADERS] });
    const bareLf = Buffer.from(raw.toString('utf8').replace(/\r\n/g, '\n'));
    const report = await dsn(bareLf);
    expect(report.recipients[0]).toMatchObject({ finalRecipient: 'alice@example.org', status: '5.1.1' });
    expect(report.originalHeaders).toMatchObject({ messageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N@app.example.com', heraldMessageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N' });
  });

  it('turns NUL bytes and other control characters into spaces, so what it returns can be stored', async () => {
    const report = await dsn(multipart({ parts: [NOTICE, deliveryStatus(statusFields([...failed, 'Diagnostic-Code: smtp; 550 evil\u0000text\u0007here\u001b[31m']))] }));
    expect(report.recipients[0]?.diagnosticCode).toEqual({ type: 'smtp', value: '550 evil text here [31m' });
    expect(JSON.stringify(report)).not.toMatch(/\\u00(0|1)/);
  });

  it('cuts an enormous field value and stops reading past 1,000 recipient groups', async () => {
    const huge = await dsn(multipart({ parts: [NOTICE, deliveryStatus(statusFields([...failed, `Diagnostic-Code: smtp; 550 ${'x'.repeat(100_000)}`]))] }));
    expect(huge.recipients[0]?.diagnosticCode?.value.length).toBeLessThanOrEqual(2001);
    const groups = Array.from({ length: 1200 }, (_, i) => [`Final-Recipient: rfc822; r${i}@example.org`, 'Action: failed', 'Status: 5.1.1']);
    const many = await dsn(multipart({ parts: [NOTICE, deliveryStatus(statusFields(...groups))] }));
    expect(many.recipients).toHaveLength(1000);
    expect(many.problems).toEqual(['more than 1000 recipient groups: the rest were not read']);
  });

  it('refuses to read a notification over the size limit, with the reason', async () => {
    const raw = multipart({ parts: [NOTICE, deliveryStatus(statusFields(failed)), { type: 'message/rfc822', body: `Subject: big\r\n\r\n${'y'.repeat(2048)}` }] });
    expect(await parseDsn(raw, { maxBytes: 1024 })).toEqual({ kind: 'not-dsn', reason: `the message is ${raw.length} bytes, over the 1024 read` });
  });

  it('gives a value, not an exception, for broken MIME: no closing boundary, no boundary parameter, garbage', async () => {
    const unterminated = Buffer.from(multipart({ parts: [NOTICE, deliveryStatus(statusFields(failed))] }).toString('utf8').replace('--test-boundary-1--', ''));
    expect((await dsn(unterminated)).recipients).toHaveLength(1);
    const noBoundary = Buffer.from('Content-Type: multipart/report; report-type=delivery-status\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\n--x--\r\n');
    expect((await parseDsn(noBoundary)).kind).toBe('not-dsn');
    expect((await parseDsn(Buffer.from([0, 255, 13, 10, 13, 10, 0, 1, 2]))).kind).toBe('not-dsn');
    expect((await parseDsn(Buffer.alloc(0))).kind).toBe('not-dsn');
  });

  it('reads Original-Envelope-Id, Arrival-Date and the per-recipient dates', async () => {
    const body = ['Reporting-MTA: dns; mx.example.org', 'Original-Envelope-Id: msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N', 'Arrival-Date: Tue, 3 Dec 2024 10:15:01 +0000', '', ...failed, 'Last-Attempt-Date: Tue, 3 Dec 2024 10:15:02 +0000 (UTC)', 'Will-Retry-Until: not a date', ''].join('\r\n');
    const report = await dsn(multipart({ parts: [NOTICE, deliveryStatus(body)] }));
    expect(report.originalEnvelopeId).toBe('msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N');
    expect(report.arrivalDate).toEqual(new Date('2024-12-03T10:15:01Z'));
    expect(report.recipients[0]?.lastAttemptDate).toEqual(new Date('2024-12-03T10:15:02Z'));
    expect(report.recipients[0]).not.toHaveProperty('willRetryUntil');
  });
});
