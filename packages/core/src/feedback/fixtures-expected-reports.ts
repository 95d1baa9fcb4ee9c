import type { Notification } from './read-notification.ts';

/** Machine-readable reports (RFC 3464 DSNs, RFC 5965 complaints): what each fixture in fixtures/ reads to, exactly (fixtures.test.ts). */
export const expectedReports: Record<string, Notification> = {
  'arf-abuse.eml': {
    kind: 'complaint',
    feedbackType: 'abuse',
    userAgent: 'ExampleFBL/2.1',
    version: '1',
    originalMailFrom: 'bounces+1r01je2q7rz4m8w6x0v3t5s9n1paw1xscfv6ybza0j0b@bounces.herald.test',
    originalRcptTo: ['frank@example.net'],
    arrivalDate: new Date('2024-12-03T10:30:00.000Z'),
    reportingMta: {
      type: 'dns',
      value: 'fbl.example.net',
    },
    sourceIp: '192.0.2.10',
    reportedDomains: ['app.example.com', 'bounces.herald.test'],
    reportedUris: [],
    authenticationResults: 'mx.example.net; dkim=pass header.d=app.example.com; spf=pass smtp.mailfrom=bounces.herald.test',
    originalHeaders: {
      messageId: 'msg_01JE2Q7RZ4M8W6X0V3T5S9N1PB@app.example.com',
      returnPath: 'bounces+1r01je2q7rz4m8w6x0v3t5s9n1paw1xscfv6ybza0j0b@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['frank@example.net'],
      subject: 'Weekly digest',
      heraldMessageId: 'msg_01JE2Q7RZ4M8W6X0V3T5S9N1PB',
      heraldHeaders: {
        'x-herald-message-id': 'msg_01JE2Q7RZ4M8W6X0V3T5S9N1PB',
      },
    },
    problems: [],
    notification: {
      subject: 'Email Feedback Report for IP 192.0.2.10',
      from: 'feedback@fbl.example.net',
      messageId: 'fbl-20241203110000-1234@fbl.example.net',
    },
  },
  'arf-redacted.eml': {
    kind: 'complaint',
    feedbackType: 'abuse',
    userAgent: 'ExampleJMRP/1.0',
    version: '1.0',
    originalMailFrom: 'bounces+1r01je4x0y2z4a6b8c0d2e4f6g8hnc7mxjgm3h0hnh9c@bounces.herald.test',
    originalRcptTo: [],
    arrivalDate: new Date('2024-12-03T19:58:12.000Z'),
    sourceIp: '192.0.2.10',
    reportedDomains: [],
    reportedUris: [],
    incidents: 1,
    originalHeaders: {
      messageId: 'msg_01JE4X0Y2Z4A6B8C0D2E4F6G8J@app.example.com',
      returnPath: 'bounces+1r01je4x0y2z4a6b8c0d2e4f6g8hnc7mxjgm3h0hnh9c@bounces.herald.test',
      from: 'hello@app.example.com',
      to: [],
      subject: 'Welcome',
      heraldMessageId: 'msg_01JE4X0Y2Z4A6B8C0D2E4F6G8J',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'complaint about message from 192.0.2.10',
      from: 'staff@feedback.example.com',
      messageId: 'jmrp.20241203.987654@feedback.example.com',
    },
  },
  'dsn-two-recipients.eml': {
    kind: 'dsn',
    reportingMta: {
      type: 'dns',
      value: 'smtp.example.org',
    },
    receivedFromMta: {
      type: 'dns',
      value: 'herald-worker.herald.test',
    },
    arrivalDate: new Date('2024-12-03T10:25:01.000Z'),
    originalEnvelopeId: 'msg_01JE0A1B2C3D4E5F6G7H8J9K0N',
    recipients: [
      {
        finalRecipient: 'hank@example.org',
        action: 'failed',
        status: '5.2.2',
        diagnosticCode: {
          type: 'smtp',
          value: '552 5.2.2 <hank@example.org>... Mailbox full',
        },
        smtpCode: 552,
        remoteMta: {
          type: 'dns',
          value: 'store.example.org',
        },
        lastAttemptDate: new Date('2024-12-03T10:25:05.000Z'),
      },
      {
        finalRecipient: 'ivy@example.org',
        action: 'delivered',
        status: '2.0.0',
        remoteMta: {
          type: 'dns',
          value: 'store.example.org',
        },
        lastAttemptDate: new Date('2024-12-03T10:25:05.000Z'),
      },
    ],
    originalHeaders: {
      messageId: 'msg_01JE0A1B2C3D4E5F6G7H8J9K0N@app.example.com',
      returnPath: 'bounces+1m01je0a1b2c3d4e5f6g7h8j9k0nmtzfcqze6cv50981@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['hank@example.org', 'ivy@example.org'],
      subject: 'Team update',
      heraldMessageId: 'msg_01JE0A1B2C3D4E5F6G7H8J9K0N',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'Returned mail: see transcript for details',
      from: 'MAILER-DAEMON@smtp.example.org',
      messageId: '202412031025.4B3PP5Ah012345@smtp.example.org',
    },
  },
  'exchange-online-ndr.eml': {
    kind: 'dsn',
    reportingMta: {
      type: 'dns',
      value: 'AM0PR01MB1234.eurprd01.prod.exchangelabs.com',
    },
    receivedFromMta: {
      type: 'dns',
      value: 'herald-worker.herald.test',
    },
    arrivalDate: new Date('2024-12-03T10:20:11.000Z'),
    recipients: [
      {
        finalRecipient: 'carol@contoso.example',
        originalRecipient: 'carol@contoso.example',
        action: 'failed',
        status: '5.1.10',
        diagnosticCode: {
          type: 'smtp',
          value: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient carol@contoso.example not found by SMTP address lookup',
        },
        smtpCode: 550,
      },
    ],
    originalHeaders: {
      messageId: 'msg_01JE2Q7RZ4M8W6X0V3T5S9N1PB@app.example.com',
      returnPath: 'bounces+1r01je2q7rz4m8w6x0v3t5s9n1paw1xscfv6ybza0j0b@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['carol@contoso.example'],
      subject: 'Your receipt',
      heraldMessageId: 'msg_01JE2Q7RZ4M8W6X0V3T5S9N1PB',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'Undeliverable: Your receipt',
      from: 'MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@contoso.example',
      messageId: '8f2b9a7c-1d3e-4f5a-9b8c-7d6e5f4a3b2c@AM0PR01MB1234.eurprd01.prod.exchangelabs.com',
    },
  },
  'exim-dsn.eml': {
    kind: 'dsn',
    reportingMta: {
      type: 'dns',
      value: 'mail.example.net',
    },
    recipients: [
      {
        finalRecipient: 'bob@example.net',
        action: 'failed',
        status: '5.0.0',
        diagnosticCode: {
          type: 'smtp',
          value: '550 5.1.1 <bob@example.net>... User unknown',
        },
        smtpCode: 550,
        remoteMta: {
          type: 'dns',
          value: 'mx.example.net',
        },
      },
    ],
    originalHeaders: {
      messageId: 'msg_01JE0A1B2C3D4E5F6G7H8J9K0N@app.example.com',
      returnPath: 'bounces+1r01je0a1b2c3d4e5f6g7h8j9k0mbmtgxbta8naz90ef@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['bob@example.net'],
      subject: 'Password reset',
      heraldMessageId: 'msg_01JE0A1B2C3D4E5F6G7H8J9K0N',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'Mail delivery failed: returning message to sender',
      from: 'Mailer-Daemon@mail.example.net',
      messageId: 'E1tIPNm-000AbC-0x@mail.example.net',
    },
  },
  'gmail-address-not-found.eml': {
    kind: 'dsn',
    reportingMta: {
      type: 'dns',
      value: 'googlemail.com',
    },
    receivedFromMta: {
      type: 'dns',
      value: 'herald-worker.herald.test',
    },
    arrivalDate: new Date('2024-12-03T10:22:33.000Z'),
    recipients: [
      {
        finalRecipient: 'dave@example.net',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: {
          type: 'smtp',
          value: '550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient\'s email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser d9443c01a7336-21521a7 - gsmtp',
        },
        smtpCode: 550,
        remoteMta: {
          type: 'dns',
          value: 'mx.example.net',
        },
        lastAttemptDate: new Date('2024-12-03T10:22:34.000Z'),
      },
    ],
    originalHeaders: {
      messageId: 'msg_01JE5M1N3P5Q7R9S1T3V5W7X9Z@app.example.com',
      returnPath: 'bounces+1r01je5m1n3p5q7r9s1t3v5w7x9yskyyqc1hzx0nn8f3@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['dave@example.net'],
      subject: 'Your receipt',
      heraldMessageId: 'msg_01JE5M1N3P5Q7R9S1T3V5W7X9Z',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'Delivery Status Notification (Failure)',
      from: 'mailer-daemon@googlemail.com',
      messageId: '674ed9da.050a0220.3c8d2d.0123.GMR@mx.google.com',
    },
  },
  'postfix-delayed.eml': {
    kind: 'dsn',
    reportingMta: {
      type: 'dns',
      value: 'mx1.example.org',
    },
    arrivalDate: new Date('2024-12-03T10:15:01.000Z'),
    recipients: [
      {
        finalRecipient: 'alice@example.org',
        originalRecipient: 'alice@example.org',
        action: 'delayed',
        status: '4.4.1',
        diagnosticCode: {
          type: 'x-postfix',
          value: 'connect to mail.example.org[192.0.2.30]:25: Connection timed out',
        },
        willRetryUntil: new Date('2024-12-08T10:15:01.000Z'),
      },
    ],
    originalHeaders: {
      messageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N@app.example.com',
      returnPath: 'bounces+1r01jdq3v8q6x3g7n1zj4y2k5w8pc5g203tzssn0v8fv@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['alice@example.org'],
      subject: 'Your receipt',
      heraldMessageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'Delayed Mail (still being retried)',
      from: 'MAILER-DAEMON@mx1.example.org',
      messageId: '20241203141503.1B2C31C0D5@mx1.example.org',
    },
  },
  'postfix-failed.eml': {
    kind: 'dsn',
    reportingMta: {
      type: 'dns',
      value: 'mx1.example.org',
    },
    arrivalDate: new Date('2024-12-03T10:15:01.000Z'),
    recipients: [
      {
        finalRecipient: 'alice@example.org',
        originalRecipient: 'alice@example.org',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: {
          type: 'smtp',
          value: '550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown in local recipient table',
        },
        smtpCode: 550,
        remoteMta: {
          type: 'dns',
          value: 'mail.example.org',
        },
      },
    ],
    originalHeaders: {
      messageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N@app.example.com',
      returnPath: 'bounces+1r01jdq3v8q6x3g7n1zj4y2k5w8pc5g203tzssn0v8fv@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['alice@example.org'],
      subject: 'Your receipt',
      heraldMessageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'Undelivered Mail Returned to Sender',
      from: 'MAILER-DAEMON@mx1.example.org',
      messageId: '20241203101502.9C3E21C0B3@mx1.example.org',
    },
  },
  'yahoo-dsn.eml': {
    kind: 'dsn',
    reportingMta: {
      type: 'dns',
      value: 'sonic301.consmr.mail.ne1.yahoo.example',
    },
    arrivalDate: new Date('2024-12-03T10:23:39.000Z'),
    recipients: [
      {
        finalRecipient: 'erin@yahoo.example',
        action: 'failed',
        status: '5.0.0',
        diagnosticCode: {
          type: 'smtp',
          value: '554 delivery error: dd This user doesn\'t have a yahoo.example account (erin@yahoo.example) [-5] - mta4001.mail.gq1.yahoo.example',
        },
        smtpCode: 554,
        remoteMta: {
          type: 'dns',
          value: 'mta4001.mail.gq1.yahoo.example',
        },
      },
    ],
    originalHeaders: {
      messageId: 'msg_01JE3B5C7D9F1G3H5J7K9M1N3Q@app.example.com',
      returnPath: 'bounces+1m01je3b5c7d9f1g3h5j7k9m1n3qd2rf2zee8s1dhwk7@bounces.herald.test',
      from: 'hello@app.example.com',
      to: ['erin@yahoo.example', 'fred@yahoo.example'],
      subject: 'Team update',
      heraldMessageId: 'msg_01JE3B5C7D9F1G3H5J7K9M1N3Q',
      heraldHeaders: {},
    },
    problems: [],
    notification: {
      subject: 'Failure Notice',
      from: 'MAILER-DAEMON@yahoo.example',
      messageId: '1733221420.123456@sonic301.consmr.mail.ne1.yahoo.example',
    },
  },
};
