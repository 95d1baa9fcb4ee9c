import { describe, expect, it } from 'vitest';
import { parseArf } from './parse-arf.ts';
import { multipart, RETURNED_HEADERS } from './report-test-support.ts';

const text = { type: 'text/plain', body: 'This is an email abuse report.' };
const report = (fields: string[]) => ({ type: 'message/feedback-report', body: [...fields, ''].join('\r\n') });
const arf = (parts: Parameters<typeof multipart>[0]['parts']) => multipart({ reportType: 'feedback-report', parts });

describe('reading RFC 5965 abuse reports', () => {
  it('reads every feedback type the registry lists, and keeps one it does not know', async () => {
    for (const type of ['abuse', 'fraud', 'virus', 'other', 'not-spam', 'auth-failure', 'x-new-type']) {
      const result = await parseArf(arf([text, report([`Feedback-Type: ${type.toUpperCase()}`, 'User-Agent: X/1', 'Version: 1']), RETURNED_HEADERS]));
      expect(result).toMatchObject({ kind: 'complaint', feedbackType: type, problems: [] });
    }
  });

  it('reads several Original-Rcpt-To and Reported-Domain fields, and the Incidents count', async () => {
    const result = await parseArf(arf([text, report(['Feedback-Type: abuse', 'User-Agent: X/1', 'Version: 1', 'Original-Rcpt-To: <a@example.net>', 'Original-Rcpt-To: b@example.net', 'Reported-Domain: App.Example.com', 'Reported-Uri: https://app.example.com/x', 'Incidents: 3', 'Source-IP: 192.0.2.10']), RETURNED_HEADERS]));
    expect(result).toMatchObject({ originalRcptTo: ['a@example.net', 'b@example.net'], reportedDomains: ['app.example.com'], reportedUris: ['https://app.example.com/x'], incidents: 3, sourceIp: '192.0.2.10' });
  });

  it('still reads a report whose original message is missing, and says so', async () => {
    const result = await parseArf(arf([text, report(['Feedback-Type: abuse', 'User-Agent: X/1', 'Version: 1', 'Original-Mail-From: <bounces+x@bounces.herald.test>'])]));
    expect(result).toMatchObject({ kind: 'complaint', originalMailFrom: 'bounces+x@bounces.herald.test', problems: ['the report does not return the original message or its headers'] });
    expect(result).not.toHaveProperty('originalHeaders');
  });

  it('names the required fields a report lacks, and refuses one without a Feedback-Type', async () => {
    expect(await parseArf(arf([text, report(['Feedback-Type: abuse']), RETURNED_HEADERS]))).toMatchObject({ problems: ['no User-Agent (required by RFC 5965)', 'no Version (required by RFC 5965)'] });
    expect(await parseArf(arf([text, report(['User-Agent: X/1', 'Version: 1']), RETURNED_HEADERS]))).toEqual({ kind: 'not-arf', reason: 'the feedback report has no Feedback-Type' });
    expect(await parseArf(multipart({ parts: [text] }))).toEqual({ kind: 'not-arf', reason: 'no message/feedback-report part' });
  });

  it('ignores an Incidents value that is not a positive count', async () => {
    for (const value of ['-1', '1e9999', 'many', '0']) {
      expect(await parseArf(arf([text, report(['Feedback-Type: abuse', `Incidents: ${value}`]), RETURNED_HEADERS]))).not.toHaveProperty('incidents');
    }
  });
});
