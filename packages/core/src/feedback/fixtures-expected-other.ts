import type { Notification } from './read-notification.ts';

/** Text bounces, auto-replies and mail that is neither: what each fixture in fixtures/ reads to, exactly (fixtures.test.ts). */
export const expectedOther: Record<string, Notification> = {
  'exchange-text-ndr.eml': {
    kind: 'text-bounce',
    format: 'exchange',
    action: 'failed',
    recipients: [
      {
        address: 'mike@corp.example.com',
        smtpCode: 550,
        status: '5.1.1',
        diagnostic: '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##',
      },
    ],
    notification: {
      subject: 'Undeliverable: Password reset',
      from: 'postmaster@corp.example.com',
      messageId: 'ndr.20241203104000@exch01.corp.example.com',
    },
  },
  'exim-text.eml': {
    kind: 'text-bounce',
    format: 'exim',
    action: 'failed',
    recipients: [
      {
        address: 'kim@example.net',
        smtpCode: 550,
        status: '5.2.1',
        diagnostic: 'SMTP error from remote mail server after RCPT TO:<kim@example.net>: host mx.example.net [192.0.2.41]: 550 5.2.1 <kim@example.net>: Mailbox disabled for this recipient',
      },
    ],
    notification: {
      subject: 'Mail delivery failed: returning message to sender',
      from: 'Mailer-Daemon@relay.example.net',
      messageId: 'E1Lq9Zp-0003Ab-QK@relay.example.net',
    },
  },
  'generic-undeliverable.eml': {
    kind: 'text-bounce',
    format: 'generic',
    action: 'failed',
    recipients: [
      {
        address: 'jack@legacy.example.com',
        smtpCode: 550,
        status: '5.1.1',
        diagnostic: 'on 03/12/2024 10:41 The e-mail account does not exist at the organization this message was sent to. Check the e-mail address, or contact the recipient directly to find out the correct address. <mail.legacy.example.com #5.1.1 smtp;550 5.1.1 User unknown>',
      },
    ],
    notification: {
      subject: 'Undeliverable: Welcome',
      from: 'postmaster@legacy.example.com',
    },
  },
  'human-reply.eml': {
    kind: 'unrecognized',
    reason: 'neither its headers nor its text say it is a delivery failure notice',
    bounceLike: false,
    notification: {
      subject: 'Re: Your receipt',
      from: 'oscar@example.net',
      messageId: 'CAF=reply.1234@mail.example.net',
    },
  },
  'outlook-auto-reply-no-header.eml': {
    kind: 'auto-reply',
    evidence: 'Subject: Automatic reply: Your receipt',
    notification: {
      subject: 'Automatic reply: Your receipt',
      from: 'grace@example.org',
      messageId: 'AM9PR01MB5678.auto.reply.2@AM9PR01MB5678.eurprd01.prod.exchangelabs.com',
    },
  },
  'outlook-auto-reply.eml': {
    kind: 'auto-reply',
    evidence: 'Auto-Submitted: auto-replied',
    notification: {
      subject: 'Automatic reply: Your receipt',
      from: 'grace@example.org',
      messageId: 'AM9PR01MB5678.auto.reply@AM9PR01MB5678.eurprd01.prod.exchangelabs.com',
    },
  },
  'qmail-text.eml': {
    kind: 'text-bounce',
    format: 'qmail',
    action: 'failed',
    recipients: [
      {
        address: 'lee@example.com',
        smtpCode: 550,
        status: '5.1.1',
        diagnostic: '192.0.2.70 does not like recipient. Remote host said: 550 5.1.1 <lee@example.com>: Recipient address rejected: User unknown Giving up on 192.0.2.70.',
      },
    ],
    notification: {
      subject: 'failure notice',
      from: 'MAILER-DAEMON@mail.example.com',
    },
  },
  'vacation-french.eml': {
    kind: 'auto-reply',
    evidence: 'Subject: Réponse automatique : Votre reçu',
    notification: {
      subject: 'Réponse automatique : Votre reçu',
      from: 'claire@example.fr',
      messageId: 'reponse.1733222040@mail.example.fr',
    },
  },
  'vacation-german.eml': {
    kind: 'auto-reply',
    evidence: 'X-Autoreply: yes',
    notification: {
      subject: 'Abwesenheitsnotiz: Ihre Rechnung',
      from: 'heinz@example.de',
      messageId: 'vacation.1733222000@mail.example.de',
    },
  },
};
