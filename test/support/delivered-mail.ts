import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/**
 * The message as a mail client would read it: parsed by mailparser, with `cid:` links in the HTML
 * kept as they were sent (mailparser would otherwise inline them as data: URLs).
 */
export function parseDelivered(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw, { keepCidLinks: true });
}

/** The addresses of a parsed From/To/Cc/Reply-To field, as { address, name } pairs. */
export function addressesOf(field: AddressObject | AddressObject[] | undefined): { address: string | undefined; name: string }[] {
  return [field ?? []].flat().flatMap((list) => list.value.map(({ address, name }) => ({ address, name })));
}

/** A header's value exactly as it stands in the message (unfolded, not decoded); undefined when absent. */
export function headerValue(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
}

/** The header section of a raw message (up to the first empty line). */
export function headerSection(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  return end === -1 ? text : text.slice(0, end + 2);
}

/** The raw message's lines (split at CRLF) longer than `max` octets, CRLF not counted. */
export function linesLongerThan(raw: Buffer, max: number): { line: number; octets: number }[] {
  const long: { line: number; octets: number }[] = [];
  let start = 0;
  for (let n = 1; start <= raw.length; n++) {
    const at = raw.indexOf('\r\n', start);
    const end = at === -1 ? raw.length : at;
    if (end - start > max) long.push({ line: n, octets: end - start });
    if (at === -1) break;
    start = at + 2;
  }
  return long;
}
