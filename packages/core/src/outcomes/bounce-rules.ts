import type { BounceCategory } from './outcome.ts';

/**
 * Reply classification rules, kept as data. Each rule matches the text of a real reply; `seen` is that
 * reply, verbatim, so the rule can be checked against what it was written for (a test does). Rules are
 * tried in order; when none matches, the RFC 3463 enhanced code decides, then the reply code's class.
 */
export interface BounceRule {
  pattern: RegExp;
  action: 'deferred' | 'bounced';
  category: BounceCategory;
  seen: string;
}

export const BOUNCE_RULES: BounceRule[] = [
  {
    pattern: /4\.2\.2 .*over quota|mailbox.*full|quota exceeded/i,
    action: 'deferred',
    category: 'mailbox-full',
    seen: '452-4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp',
  },
  {
    pattern: /\b(rate|volume|too many (messages|connections)|try again later|throttl|temporarily deferred)/i,
    action: 'deferred',
    category: 'throttled',
    seen: '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
  },
  {
    pattern: /block ?list|blacklist|spamhaus|\bS3150\b|listed .*(rbl|dnsbl)/i,
    action: 'bounced',
    category: 'spam-block',
    seen: "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
  },
  {
    pattern: /does not exist|no such user|user unknown|unknown user|mailbox unavailable|recipient address rejected|invalid recipient/i,
    action: 'bounced',
    category: 'bad-mailbox',
    seen: '550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient\'s email address for typos or unnecessary spaces.',
  },
];

/** Enhanced status code subjects/details (RFC 3463) to categories, for replies no rule matched. */
export const ENHANCED_CATEGORIES: [RegExp, BounceCategory][] = [
  [/^\d\.1\.10$/, 'dns'],
  [/^\d\.1\.[0-9]$/, 'bad-mailbox'],
  [/^\d\.2\.2$/, 'mailbox-full'],
  [/^\d\.2\.\d+$/, 'mailbox'],
  [/^\d\.3\.4$/, 'message-too-large'],
  [/^\d\.4\.[1-7]$/, 'network'],
  [/^\d\.5\.3$/, 'too-many-recipients'],
  // RFC 6531: a non-ASCII address not permitted (X.6.7), a UTF-8 header message that cannot be transferred (X.6.9)
  [/^\d\.6\.[79]$/, 'smtputf8'],
  [/^\d\.7\.(1|26|27|28)$/, 'policy'],
  [/^\d\.7\.\d+$/, 'policy'],
];
