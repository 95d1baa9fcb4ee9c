/**
 * Reading header-style fields: a message's header block, the original headers returned inside a
 * report, and the bodies of message/delivery-status (RFC 3464 §2.1) and message/feedback-report
 * (RFC 5965 §3.1), which are groups of such fields separated by blank lines.
 *
 * Names are compared lower-cased; values are unfolded (RFC 5322 §2.2.3), control characters (NUL
 * included) become spaces, runs of white space one space, and each value is cut at MAX_VALUE
 * characters: what is read here ends up in events and logs, and comes from strangers.
 */
export interface HeaderField {
  /** Lower-case name. */
  name: string;
  value: string;
}

export const MAX_VALUE = 2000;
/** A field group or header block longer than this many lines is cut (nothing legitimate comes close). */
const MAX_LINES = 5000;
const FIELD = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/s;

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function cleanValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = value.replace(/[\x00-\x1f\x7f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > MAX_VALUE ? `${clean.slice(0, MAX_VALUE)}…` : clean;
}

/** Fields from lines (no blank line expected): continuation lines join the field before them; lines that are not fields are skipped. */
export function readFields(lines: readonly string[]): HeaderField[] {
  const fields: { name: string; raw: string }[] = [];
  for (const line of lines.slice(0, MAX_LINES)) {
    if (/^[ \t]/.test(line)) {
      const last = fields.at(-1);
      if (last) last.raw += ` ${line}`;
      continue;
    }
    const match = FIELD.exec(line);
    if (match) fields.push({ name: (match[1] as string).toLowerCase(), raw: match[2] as string });
  }
  return fields.map((f) => ({ name: f.name, value: cleanValue(f.raw) }));
}

/** The header block at the start of `text`, up to the first empty line. */
export function readHeaderBlock(text: string): HeaderField[] {
  const lines = splitLines(text);
  const end = lines.findIndex((line) => line === '');
  return readFields(end >= 0 ? lines.slice(0, end) : lines);
}

/**
 * Groups of fields separated by blank lines (lines of only white space count as blank: some MTAs
 * pad them). Empty groups (several blank lines in a row) are dropped.
 */
export function readFieldGroups(text: string): HeaderField[][] {
  const groups: string[][] = [[]];
  for (const line of splitLines(text).slice(0, MAX_LINES)) {
    if (/^[ \t]*$/.test(line)) groups.push([]);
    else groups.at(-1)?.push(line);
  }
  return groups.filter((g) => g.length > 0).map(readFields);
}

export function firstValue(fields: readonly HeaderField[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.value;
}

export function allValues(fields: readonly HeaderField[], name: string): string[] {
  return fields.filter((f) => f.name === name).map((f) => f.value);
}
