import { describe, expect, it } from 'vitest';
import { detectAutoReply } from './detect-auto-reply.ts';
import { readHeaderBlock } from './header-fields.ts';

const check = (...lines: string[]) => detectAutoReply(readHeaderBlock(lines.join('\r\n')));

describe('detecting auto-replies', () => {
  it('believes RFC 3834 Auto-Submitted, whatever its case and comments', () => {
    expect(check('Auto-Submitted: auto-replied')).toEqual({ autoReply: true, evidence: 'Auto-Submitted: auto-replied' });
    expect(check('Auto-Submitted: Auto-Generated (vacation)')).toEqual({ autoReply: true, evidence: 'Auto-Submitted: auto-generated' });
    expect(check('Auto-Submitted: auto-notified; owner-email="a@example.org"')).toEqual({ autoReply: true, evidence: 'Auto-Submitted: auto-notified' });
  });

  it('takes Auto-Submitted: no to mean a person, even under an out-of-office subject', () => {
    expect(check('Auto-Submitted: no', 'Subject: Out of Office: back Monday')).toEqual({ autoReply: false });
    expect(check('Auto-Submitted: no', 'X-Autoreply: yes')).toEqual({ autoReply: true, evidence: 'X-Autoreply: yes' });
  });

  it('recognises the de-facto headers of other responders', () => {
    expect(check('X-Autoreply: yes')).toMatchObject({ autoReply: true });
    expect(check('X-Autoreply: no')).toEqual({ autoReply: false });
    expect(check('X-Autorespond: 1')).toEqual({ autoReply: true, evidence: 'X-Autorespond' });
    expect(check('Precedence: auto_reply')).toEqual({ autoReply: true, evidence: 'Precedence: auto_reply' });
    expect(check('X-MS-Exchange-Inbox-Rules-Loop: a@example.org')).toEqual({ autoReply: true, evidence: 'X-MS-Exchange-Inbox-Rules-Loop' });
  });

  it('does not take the headers of ordinary mail for evidence: X-Auto-Response-Suppress, Precedence bulk or list', () => {
    expect(check('X-Auto-Response-Suppress: All', 'Subject: Re: Your receipt')).toEqual({ autoReply: false });
    expect(check('Precedence: bulk', 'Subject: Newsletter')).toEqual({ autoReply: false });
    expect(check('Precedence: list')).toEqual({ autoReply: false });
  });

  it('falls back on the subjects of common responders, in several languages, encoded-words decoded', () => {
    for (const subject of ['Out of Office: Your receipt', 'Automatic reply: Your receipt', 'AutoReply: hello', 'Abwesenheitsnotiz: Ihre Rechnung', 'Automatische Antwort: Rechnung', '=?utf-8?q?R=C3=A9ponse_automatique_:_Votre_re=C3=A7u?=', 'Respuesta automática: recibo', 'Grace Example is out of the office']) {
      expect(check(`Subject: ${subject}`), subject).toMatchObject({ autoReply: true });
    }
    for (const subject of ['Re: Your receipt', 'Question about my order', 'Re: automatic replies are annoying']) {
      expect(check(`Subject: ${subject}`), subject).toEqual({ autoReply: false });
    }
  });
});
