/**
 * Builds notifications for the readers' tests: a multipart/report (or any multipart) from parts
 * given as header lines and a body, CRLF line endings, so each test states only what it is about.
 */
export interface TestPart {
  type: string;
  body: string;
  headers?: string[];
}

/** `base` replaces the default From, To and Subject (a bounce's). */
export function multipart(options: { base?: string[]; headers?: string[]; type?: string; reportType?: string; parts: TestPart[]; boundary?: string }): Buffer {
  const boundary = options.boundary ?? 'test-boundary-1';
  const type = options.type ?? 'multipart/report';
  const reportType = options.reportType === undefined ? (type === 'multipart/report' ? '; report-type=delivery-status' : '') : `; report-type=${options.reportType}`;
  return Buffer.from(
    [
      ...(options.base ?? ['From: MAILER-DAEMON@mx.example.org', 'To: bounces+x@bounces.herald.test', 'Subject: Undelivered Mail Returned to Sender']),
      'MIME-Version: 1.0',
      ...(options.headers ?? []),
      `Content-Type: ${type}${reportType}; boundary="${boundary}"`,
      '',
      ...options.parts.flatMap((p) => [`--${boundary}`, `Content-Type: ${p.type}`, ...(p.headers ?? []), '', p.body]),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'utf8',
  );
}

export const NOTICE: TestPart = { type: 'text/plain; charset=us-ascii', body: 'This is the mail system at host mx.example.org.' };

export function deliveryStatus(body: string): TestPart {
  return { type: 'message/delivery-status', body };
}

export const RETURNED_HEADERS: TestPart = {
  type: 'text/rfc822-headers',
  body: ['Return-Path: <bounces+x@bounces.herald.test>', 'From: App <hello@app.example.com>', 'To: alice@example.org', 'Message-ID: <msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N@app.example.com>', ''].join('\r\n'),
};

/** A delivery-status body with one per-message group and the given recipient groups. */
export function statusFields(...recipients: string[][]): string {
  return ['Reporting-MTA: dns; mx.example.org', '', ...recipients.flatMap((r) => [...r, ''])].join('\r\n');
}
