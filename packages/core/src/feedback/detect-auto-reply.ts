import { allValues, firstValue, type HeaderField } from './header-fields.ts';
import { decodedValue } from './mime-parts.ts';
import { stripComments } from './report-values.ts';

/**
 * Auto-replies (out-of-office, vacation, "thank you for writing") sent back to a return path. They
 * are not bounces: the address works. RFC 3834's Auto-Submitted decides when present ("no" means a
 * person sent it); the de-facto headers of other responders come next; the subject lines of common
 * responders are the last resort, for those that mark nothing.
 *
 * Not evidence: X-Auto-Response-Suppress (Outlook puts it on ordinary outgoing mail, to ask others
 * not to auto-reply), Precedence: bulk/list (newsletters). Bounces and feedback reports are
 * auto-generated too; telling them apart is the classifier's order (read-notification.ts), not this.
 */
export type AutoReplyCheck = { autoReply: true; evidence: string } | { autoReply: false };

const SUBJECTS = [
  /^(?:re:\s*)?out of (?:the )?office\b/i,
  /^automatic reply\s*:/i,
  /^auto(?:matic)?[- ]?(?:reply|response)\b/i,
  /^abwesenheitsnotiz\b/i,
  /^automatische antwort\b/i,
  /^r[ée]ponse automatique\b/i,
  /^absence\b.*:/i,
  /^respuesta autom[áa]tica\b/i,
  /^risposta automatica\b/i,
  /^automatisch antwoord\b/i,
  /^(?:on )?vacation\b.*:/i,
  /\bis out of the office\b/i,
];

export function detectAutoReply(headers: readonly HeaderField[]): AutoReplyCheck {
  const autoSubmitted = firstValue(headers, 'auto-submitted');
  const submitted = autoSubmitted === undefined ? undefined : (stripComments(autoSubmitted).split(/[;\s]/)[0] ?? '').toLowerCase();
  if (submitted && submitted !== 'no') return { autoReply: true, evidence: `Auto-Submitted: ${submitted}` };
  const explicitlyHuman = submitted === 'no';

  const xAutoreply = firstValue(headers, 'x-autoreply');
  if (xAutoreply !== undefined && !/^no\b/i.test(xAutoreply)) return { autoReply: true, evidence: `X-Autoreply: ${xAutoreply}` };
  if (firstValue(headers, 'x-autorespond') !== undefined) return { autoReply: true, evidence: 'X-Autorespond' };
  const precedence = allValues(headers, 'precedence').map((p) => p.toLowerCase());
  if (precedence.includes('auto_reply')) return { autoReply: true, evidence: 'Precedence: auto_reply' };
  if (firstValue(headers, 'x-ms-exchange-inbox-rules-loop') !== undefined) return { autoReply: true, evidence: 'X-MS-Exchange-Inbox-Rules-Loop' };

  // a subject is only a guess: a person who wrote "Auto-Submitted: no" (or whose client did) is believed
  if (explicitlyHuman) return { autoReply: false };
  const subject = decodedValue(firstValue(headers, 'subject'))?.replace(/\u00a0/g, ' ');
  const match = subject === undefined ? undefined : SUBJECTS.find((pattern) => pattern.test(subject));
  return match && subject !== undefined ? { autoReply: true, evidence: `Subject: ${subject}` } : { autoReply: false };
}
