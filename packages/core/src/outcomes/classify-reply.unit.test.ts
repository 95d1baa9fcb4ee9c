import { describe, expect, it } from 'vitest';
import { parseReply } from './smtp-reply.ts';
import { BOUNCE_RULES } from './bounce-rules.ts';
import { classifyReply } from './classify-reply.ts';

describe('classifyReply', () => {
  it('has rules to check', () => {
    expect(BOUNCE_RULES.length).toBeGreaterThan(0);
  });

  for (const rule of BOUNCE_RULES) {
    it(`classifies the reply its "${rule.category}" rule was written for as ${rule.action} / ${rule.category}`, () => {
      const reply = parseReply(rule.seen);

      expect(reply.code).toBeGreaterThanOrEqual(400);
      expect(rule.pattern.test(reply.text)).toBe(true);
      expect(classifyReply(reply)).toEqual({ action: rule.action, category: rule.category });
    });
  }

  it('never hardens a 4xx to bounced, even when a bounce rule matches its text', () => {
    const bounceRule = BOUNCE_RULES.find((r) => r.category === 'bad-mailbox');
    const reply = parseReply('450 4.1.1 <bob@example.test>: Recipient address rejected: User unknown in local recipient table');
    expect(bounceRule?.action).toBe('bounced');
    expect(bounceRule?.pattern.test(reply.text)).toBe(true);

    expect(classifyReply(reply)).toEqual({ action: 'deferred', category: 'bad-mailbox' });
  });

  it('never hardens a 4xx spam-block reply to bounced', () => {
    const reply = parseReply('451 4.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org');

    expect(classifyReply(reply)).toEqual({ action: 'deferred', category: 'spam-block' });
  });

  it('lets a rule soften a 5xx to deferred (a full mailbox is worth retrying)', () => {
    const reply = parseReply('552 5.2.2 <bob@example.test>: mailbox full');

    expect(classifyReply(reply)).toEqual({ action: 'deferred', category: 'mailbox-full' });
  });

  it.each([
    '250 2.0.0 OK 1700000000 a1-20020a05600000000000000000000000.123 - gsmtp',
    '250 Ok: queued as 4F2A11C0E3',
    '251 2.1.5 User not local; will forward',
  ])('treats %s as delivered', (raw) => {
    expect(classifyReply(parseReply(raw))).toEqual({ action: 'delivered' });
  });

  it.each([
    ['550 5.1.1 Bad destination mailbox address', 'bounced', 'bad-mailbox'],
    ['553 5.1.3 Bad destination mailbox address syntax', 'bounced', 'bad-mailbox'],
    ['556 5.1.10 Recipient address has null MX', 'bounced', 'dns'],
    ['452 4.2.2 Insufficient storage', 'deferred', 'mailbox-full'],
    ['550 5.2.1 Mailbox disabled, not accepting messages', 'bounced', 'mailbox'],
    ['552 5.3.4 Message size exceeds fixed maximum message size', 'bounced', 'message-too-large'],
    ['451 4.4.1 No answer from host', 'deferred', 'network'],
    ['452 4.5.3 Too many recipients', 'deferred', 'too-many-recipients'],
    ['550 5.7.26 Unauthenticated email from example.test is not accepted due to domain DMARC policy', 'bounced', 'policy'],
    ['554 5.7.9 Message not accepted for policy reasons', 'bounced', 'policy'],
    ['553 5.6.7 Non-ASCII addresses not permitted for that sender/recipient', 'bounced', 'smtputf8'],
    ['554 5.6.9 UTF-8 header message cannot be transferred to one or more recipients', 'bounced', 'smtputf8'],
  ])('falls back to the enhanced code when no rule matches: %s is %s / %s', (raw, action, category) => {
    const reply = parseReply(raw);
    expect(BOUNCE_RULES.some((r) => r.pattern.test(reply.text))).toBe(false);

    expect(classifyReply(reply)).toEqual({ action, category });
  });

  it('falls back to the reply class, category "other", when there is neither a rule nor an enhanced code', () => {
    expect(classifyReply(parseReply('554 Transaction failed'))).toEqual({ action: 'bounced', category: 'other' });
    expect(classifyReply(parseReply('451 Local error in processing'))).toEqual({ action: 'deferred', category: 'other' });
  });

  it('defers a reply it cannot parse, rather than bouncing it', () => {
    expect(classifyReply(parseReply('connection reset by peer'))).toEqual({ action: 'deferred', category: 'other' });
  });
});
