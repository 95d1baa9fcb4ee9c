/**
 * RFC 8461 (MTA-STS) text formats: the policy file served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt (§3.2), the `_mta-sts.<domain>` TXT record (§3.1),
 * and MX host matching against the policy's patterns (§4.1). Pure functions, no I/O.
 */

export type PolicyMode = 'enforce' | 'testing' | 'none';

export interface Policy {
  version: 'STSv1';
  mode: PolicyMode;
  /** Lower-cased MX patterns: "mail.example.com" or "*.example.com". Empty only in mode none. */
  mx: string[];
  /** Seconds the policy may be cached, 0..31557600. */
  maxAge: number;
}

export type PolicyParse = { ok: true; policy: Policy } | { ok: false; reason: string };

export type StsRecord =
  | { status: 'valid'; id: string }
  /** No record starting with v=STSv1: the domain does not use MTA-STS. */
  | { status: 'absent' }
  /** Records exist but not exactly one valid one: treated as no policy (§3.1). */
  | { status: 'invalid'; reason: string };

/** RFC 8461 §3.2: "max_age" at most 31557600 seconds (about one year). */
export const MAX_POLICY_AGE = 31_557_600;

const MODES: readonly string[] = ['enforce', 'testing', 'none'];
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const EXTENSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/**
 * Parses a policy file. Lines end in CRLF or LF; field names are case-sensitive; unknown fields are
 * ignored; a repeated field other than mx keeps its first value (§3.2). Refuses, with a reason, a
 * policy without version STSv1, with a mode other than enforce/testing/none, with a max_age that is not
 * 1-10 digits or exceeds 31557600, with an invalid mx pattern, or without mx in enforce/testing mode
 * (a "mode: none" policy, published to retract MTA-STS, may omit mx).
 */
export function parsePolicy(text: string): PolicyParse {
  const fields = new Map<string, string>();
  const mx: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/[ \t]+$/, '');
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return refuse(`line ${index + 1} is not a "name: value" field`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+/, '');
    if (!EXTENSION_NAME.test(name)) return refuse(`line ${index + 1} has an invalid field name`);
    if (name === 'mx') {
      const pattern = normaliseName(value);
      if (!isValidPattern(pattern)) return refuse(`invalid mx pattern "${value}"`);
      if (!mx.includes(pattern)) mx.push(pattern);
    } else if (!fields.has(name)) {
      fields.set(name, value);
    }
  }

  const version = fields.get('version');
  if (version !== 'STSv1') return refuse(version === undefined ? 'missing version' : `unsupported version "${version}"`);
  const mode = fields.get('mode');
  if (mode === undefined) return refuse('missing mode');
  if (!MODES.includes(mode)) return refuse(`invalid mode "${mode}"`);
  const maxAgeText = fields.get('max_age');
  if (maxAgeText === undefined) return refuse('missing max_age');
  if (!/^[0-9]{1,10}$/.test(maxAgeText)) return refuse(`invalid max_age "${maxAgeText}"`);
  const maxAge = Number(maxAgeText);
  if (maxAge > MAX_POLICY_AGE) return refuse(`max_age ${maxAge} exceeds ${MAX_POLICY_AGE}`);
  if (mx.length === 0 && mode !== 'none') return refuse('missing mx');
  return { ok: true, policy: { version: 'STSv1', mode: mode as PolicyMode, mx, maxAge } };
}

/**
 * Whether an MX host name matches one of the policy's patterns (§4.1): an exact match, or a pattern
 * "*.example.com" whose wildcard stands for exactly one leading label ("mx.example.com" matches,
 * "example.com" and "a.b.example.com" do not). Case-insensitive; trailing dots are ignored.
 */
export function mxMatchesPolicy(mxHost: string, patterns: readonly string[]): boolean {
  const host = normaliseName(mxHost);
  if (host === '') return false;
  return patterns.some((raw) => {
    const pattern = normaliseName(raw);
    if (pattern === '') return false;
    if (!pattern.startsWith('*.')) return pattern === host;
    const dot = host.indexOf('.');
    if (dot <= 0) return false;
    return host.slice(dot + 1) === pattern.slice(2);
  });
}

/**
 * Reads the `_mta-sts.<domain>` TXT answer, each record given as its character-strings (joined, as
 * TXT strings of one record are). Records not starting with "v=STSv1" are discarded; if the number
 * left is not exactly one, or that one is not "v=STSv1; id=<1-32 alphanumerics>[; ext=value...]",
 * the domain has no available policy (§3.1).
 */
export function parseStsRecord(txtStrings: readonly (readonly string[])[]): StsRecord {
  const records = txtStrings.map((strings) => strings.join('')).filter((r) => /^v=STSv1(?:[ \t]*;|[ \t]*$)/.test(r));
  if (records.length === 0) return { status: 'absent' };
  if (records.length > 1) return { status: 'invalid', reason: `${records.length} v=STSv1 TXT records (exactly one allowed)` };
  const record = records[0] as string;
  const fields = record.split(';').map((f) => f.replace(/^[ \t]+|[ \t]+$/g, ''));
  if (fields[fields.length - 1] === '') fields.pop(); // a trailing ";" is allowed
  let id: string | null = null;
  for (const field of fields.slice(1)) {
    const eq = field.indexOf('=');
    const name = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? '' : field.slice(eq + 1);
    if (eq <= 0 || !EXTENSION_NAME.test(name) || !/^[\x21-\x3a\x3c\x3e-\x7e]+$/.test(value)) {
      return { status: 'invalid', reason: `malformed field "${field}" in the v=STSv1 TXT record` };
    }
    if (name === 'id' && id === null) {
      if (!/^[A-Za-z0-9]{1,32}$/.test(value)) return { status: 'invalid', reason: `invalid id "${value}" in the v=STSv1 TXT record` };
      id = value;
    }
  }
  if (id === null) return { status: 'invalid', reason: 'the v=STSv1 TXT record has no id' };
  return { status: 'valid', id };
}

/** Lower-cases a host name or pattern and removes one trailing dot. */
export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function isValidPattern(pattern: string): boolean {
  const labels = pattern.split('.');
  if (labels[0] === '*') labels.shift();
  return labels.length >= 1 && labels.every((label) => LABEL.test(label));
}

function refuse(reason: string): PolicyParse {
  return { ok: false, reason };
}
