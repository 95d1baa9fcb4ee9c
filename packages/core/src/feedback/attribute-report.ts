import type { TokenSubject } from './signed-token.ts';

/**
 * Which of Herald's recipients a report may change. A report arrives at a verified return path
 * naming one recipient or one message; it names addresses of its own. Only addresses that are
 * recipients of that message count, and for a recipient's return path only that recipient, so a
 * report cannot touch another message's recipients (or another project's) by naming their addresses.
 *
 * One exception, flagged: a return path naming one recipient, a report about one address that is not
 * it. That is what forwarding and aliases produce (the final recipient is where the mail was
 * forwarded to); the return path proves which delivery it is about, but not that the address Herald
 * sent to is bad, so `by: 'return-path'` lets the caller record the event without suppressing.
 */
export interface IssuedRecipient {
  id: string;
  email: string;
}

export interface ReportedAddress {
  address: string;
  /** Original-Recipient, when the report gives it. */
  originalAddress?: string;
}

export interface Attribution {
  /** `index` is the position in the reported list. */
  matched: { recipientId: string; index: number; by: 'address' | 'original-address' | 'return-path' }[];
  ignored: { index: number; address: string; reason: string }[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** `recipients` are the recipients of the message the subject belongs to, as Herald stored them. */
export function attributeReport(subject: TokenSubject, recipients: readonly IssuedRecipient[], reported: readonly ReportedAddress[]): Attribution {
  const candidates = subject.kind === 'recipient' ? recipients.filter((r) => r.id === subject.id) : recipients;
  const result: Attribution = { matched: [], ignored: [] };
  const taken = new Set<string>();
  for (const [index, entry] of reported.entries()) {
    const byAddress = candidates.find((r) => same(r.email, entry.address));
    const byOriginal = byAddress ? undefined : candidates.find((r) => entry.originalAddress !== undefined && same(r.email, entry.originalAddress));
    const found = byAddress ?? byOriginal;
    if (!found) {
      result.ignored.push({ index, address: entry.address, reason: candidates.length === 0 ? 'the return path names no recipient Herald knows' : 'not a recipient of the delivery this return path was issued for' });
    } else if (taken.has(found.id)) {
      result.ignored.push({ index, address: entry.address, reason: 'the same recipient was reported earlier in this report' });
    } else {
      taken.add(found.id);
      result.matched.push({ recipientId: found.id, index, by: byAddress ? 'address' : 'original-address' });
    }
  }
  const only = candidates[0];
  if (subject.kind === 'recipient' && only && result.matched.length === 0 && reported.length === 1) {
    return { matched: [{ recipientId: only.id, index: 0, by: 'return-path' }], ignored: [] };
  }
  return result;
}
