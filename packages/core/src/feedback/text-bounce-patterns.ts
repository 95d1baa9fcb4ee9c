/**
 * What plain-text bounces look like, kept as data: each pattern with the MTA text it was written for.
 * parse-text-bounce.ts applies them; adding a format is adding lines here.
 */

/** An address as it stands in bounce text (no white space, brackets or quotes; a dotted domain). */
const ADDR = String.raw`[^\s<>()\[\]@,;:"']+@[^\s<>()\[\]@,;:"']+\.[^\s<>()\[\]@,;:"'.]+`;

/** Known formats, by a sentence only that MTA writes. The first that matches names the bounce. */
export const FORMATS: readonly { name: string; marker: RegExp }[] = [
  // "Hi. This is the qmail-send program at mail.example.com."
  { name: 'qmail', marker: /This is the qmail-send program/i },
  // "This message was created automatically by mail delivery software." (Exim)
  { name: 'exim', marker: /created automatically by mail delivery software/i },
  // "Delivery has failed to these recipients or groups:" (Exchange 2007 and later, text form)
  { name: 'exchange', marker: /Delivery has failed to these recipients or groups|Diagnostic information for administrators/i },
  // "Delivery to the following recipient failed permanently:" (Gmail before multipart/report)
  { name: 'gmail', marker: /Delivery to the following recipients? (?:failed permanently|has been delayed)/i },
  // "I'm sorry to have to inform you that your message could not be delivered" (Postfix without DSN)
  { name: 'postfix', marker: /This is the mail system at host/i },
  // "The following recipient(s) cannot be reached:" (Exchange 2003) and anything else bounce-like
  { name: 'generic', marker: /./ },
];

/**
 * Lines that name a failed recipient; each captures the address. Tried on the notice's own text
 * only (the returned message is cut off first), so an address in the original message is never taken.
 */
export const RECIPIENT_LINES: readonly RegExp[] = [
  // qmail, Yahoo: "<lee@example.com>:"
  new RegExp(String.raw`^<(${ADDR})>:\s*$`, 'gm'),
  // Exim, Gmail text: "  kim@example.net" (indented, alone on its line)
  new RegExp(String.raw`^[ \t]+<?(${ADDR})>?[ \t]*$`, 'gm'),
  // Exchange: "mike@corp.example.com" or "mike@corp.example.com<mailto:mike@corp.example.com>"
  new RegExp(String.raw`^<?(${ADDR})>?(?:<mailto:[^>\s]*>)?[ \t]*$`, 'gm'),
  // Exchange 2003: "      jack@legacy.example.com on 03/12/2024 10:41"
  new RegExp(String.raw`^[ \t]*<?(${ADDR})>?[ \t]+on[ \t]+\d`, 'gm'),
  // Postfix without DSN, Sendmail: "<alice@example.org>: host mail.example.org[192.0.2.30] said: 550 …"
  new RegExp(String.raw`^<(${ADDR})>(?::| \.\.\.)[ \t]+\S`, 'gm'),
  // sentences: "Your message wasn't delivered to dave@example.net because …", "could not be delivered to <x>"
  new RegExp(String.raw`(?:wasn't|was not|couldn't be|could not be|can ?not be|cannot be) delivered to:?\s+<?(${ADDR})>?`, 'gi'),
  new RegExp(String.raw`Your message to <?(${ADDR})>? (?:couldn't|could not|can ?not) be delivered`, 'gi'),
];

/** Where the returned original message starts; the notice is the text before the first of these. */
export const ORIGINAL_MESSAGE_MARKERS: readonly RegExp[] = [
  /^-+ ?Below this line is a copy of the message/im, // qmail
  /^-+ ?This is a copy of the message/im, // Exim
  /^-+ ?Original message ?-*$/im, // Gmail text
  /^-+ ?Original Message ?-+$/im, // Outlook-style
  /^Original message headers:/im, // Exchange
  /^-+ ?(?:The )?header of the original message/im,
  /^-+ ?(?:Message header|Returned message|Original message text) follows/im,
];

/** The notice says delivery is still being tried: a delay warning, not a failure. */
export const DELAYED = /has not yet been delivered|still being retried|delivery (?:has been|is) delayed|has been delayed|THIS IS A WARNING ONLY|will (?:continue to )?(?:retry|try again)/i;

/** The notice says delivery failed for good. */
export const FAILED = /permanent|given up|giving up|(?:could not|couldn't|cannot|can ?not) be (?:delivered|reached)|wasn't delivered|failed permanently|delivery has failed|unable to deliver|address(?:\(es\))? failed/i;

/** Senders and subjects of bounces, for mail that names no format. */
export const BOUNCE_SENDERS = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
export const BOUNCE_SUBJECTS =
  /undeliver|undelivered mail|delivery status notification \((?:failure|delay)\)|mail delivery (?:failed|failure|system)|delivery (?:failure|failed|problem|notification)|failure notice|returned mail|returned to sender|non[- ]?delivery|could not be delivered|unzustellbar|non remis|nicht zugestellt|delayed mail/i;

/** Addresses never taken for a failed recipient: the reporting system's own mailboxes. */
export const NOT_RECIPIENTS = /^(?:mailer-daemon|postmaster|abuse|hostmaster|mail-daemon|noreply|no-reply)@/i;
