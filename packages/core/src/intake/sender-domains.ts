import { domainToUnicode } from 'node:url';

export type SenderDomain = { ok: true; domainId: string; unsubscribeDefault: boolean } | { ok: false; reason: string };

/** A project's domain that may decide whether a From domain sends: one named like it or a parent, or any verified one. */
export interface CandidateDomain {
  id: string;
  name: string;
  status: string;
  allowSubdomains: boolean;
  /** Its messages carry one-click unsubscribe headers unless a send says otherwise. */
  unsubscribeDefault?: boolean | undefined;
}

/** The names whose domains decide: each From domain and its parents. */
export function senderDomainCandidates(fromDomains: string[]): string[] {
  return [...new Set(fromDomains.flatMap(selfAndParents))];
}

/**
 * Which of the project's domains may send for each From domain, from the project's candidate
 * domains. Only a verified domain sends; a subdomain sends only under a verified parent configured to
 * allow subdomains (it signs as the parent). Another project's domain, an unverified one and an
 * international look-alike of a verified one are refused, with a reason that says which.
 */
export function decideSenderDomains(rows: CandidateDomain[], fromDomains: string[]): Map<string, SenderDomain> {
  const byName = new Map(rows.map((row) => [row.name, row]));
  const verified = rows.filter((row) => row.status === 'verified');

  return new Map(
    fromDomains.map((name): [string, SenderDomain] => {
      const own = byName.get(name);
      if (own?.status === 'verified') return [name, { ok: true, domainId: own.id, unsubscribeDefault: own.unsubscribeDefault ?? false }];
      if (own) return [name, { ok: false, reason: `${name} is not verified yet: publish its DNS records and verify it` }];
      for (const parent of selfAndParents(name).slice(1)) {
        const row = byName.get(parent);
        if (!row) continue;
        if (!row.allowSubdomains) return [name, { ok: false, reason: `${name} is a subdomain of ${parent}, which does not allow subdomains to send` }];
        if (row.status === 'verified') return [name, { ok: true, domainId: row.id, unsubscribeDefault: row.unsubscribeDefault ?? false }];
        return [name, { ok: false, reason: `${name} would send as ${parent}, which is not verified yet` }];
      }
      const lookalike = verified.find((row) => skeleton(domainToUnicode(row.name)) === skeleton(domainToUnicode(name)));
      if (lookalike) return [name, { ok: false, reason: `${name} is a look-alike of ${lookalike.name}, not a domain of this project` }];
      return [name, { ok: false, reason: `${name} is not a sending domain of this project` }];
    }),
  );
}

/** example.com for mail.example.com, and so on up to (not including) the top-level domain. */
function selfAndParents(name: string): string[] {
  const labels = name.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

/**
 * A rough "skeleton" (Unicode TR 39) of a domain: characters that look like Latin letters are mapped
 * to them, so "еxаmple.com" (Cyrillic е, а) and "example.com" compare equal. Only to name the
 * look-alike in the error: such a domain is refused anyway, since it is not the same name.
 */
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', һ: 'h',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ł: 'l', ø: 'o', '0': 'o', '1': 'l',
};

function skeleton(name: string): string {
  return [...name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()].map((c) => CONFUSABLES[c] ?? c).join('');
}
