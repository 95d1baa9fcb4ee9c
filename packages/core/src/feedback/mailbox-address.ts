/**
 * Splitting an address at its last "@" and reading a Herald mailbox ("<label>+<token>") out of its
 * local part. Shared by the return-path and unsubscribe addresses so that both accept the same
 * spellings: any case (MTAs may fold it), angle brackets and surrounding space as in SMTP's
 * "<addr>", and nothing else (no quoted local parts, no source routes).
 */
export function splitAddress(address: string): { local: string; domain: string } | null {
  const bare = address.trim().replace(/^<(.*)>$/, '$1');
  const at = bare.lastIndexOf('@');
  if (at <= 0 || at === bare.length - 1) return null;
  return { local: bare.slice(0, at), domain: bare.slice(at + 1).toLowerCase() };
}

/** The token after "<label>+" in a local part (label compared case-insensitively), or null. */
export function tokenAfterLabel(local: string, label: string): string | null {
  const prefix = `${label}+`;
  return local.toLowerCase().startsWith(prefix) ? local.slice(prefix.length) : null;
}
