/**
 * Reads and edits one HTML start tag in place, as htmlparser2 reads it (attribute names end at
 * whitespace, "/", ">" or "="; values are quoted or run to whitespace or ">"), so that a change to one
 * attribute leaves every other byte of the template as it was written.
 */

interface AttributeSpan {
  /** Lower-cased, as the parser reports it. */
  name: string;
  start: number;
  end: number;
}

export interface StartTag {
  start: number;
  /** Just past the ">". */
  end: number;
  attributes: AttributeSpan[];
  /** Where a new attribute goes: after the last one, or after the tag name. */
  insertAt: number;
}

export function readStartTag(html: string, start: number): StartTag | null {
  const nameMatch = /^<[^\s/>]+/.exec(html.slice(start, start + 256));
  if (!nameMatch) return null;
  let i = start + nameMatch[0].length;
  let insertAt = i;
  const attributes: AttributeSpan[] = [];
  const skip = (pattern: RegExp) => {
    pattern.lastIndex = i;
    const m = pattern.exec(html);
    if (m) i += m[0].length;
    return m?.[0] ?? '';
  };
  for (;;) {
    skip(/[\s/]*/y);
    if (i >= html.length) return null;
    if (html[i] === '>') return { start, end: i + 1, attributes, insertAt };
    const nameStart = i;
    const name = skip(/[^\s/>=]+|=/y);
    const beforeEquals = i;
    skip(/\s*/y);
    if (html[i] === '=') {
      i++;
      skip(/\s*/y);
      if (!skip(/"[^"]*"|'[^']*'|[^\s>]*/y) && i >= html.length) return null;
    } else {
      i = beforeEquals;
    }
    attributes.push({ name: name.toLowerCase(), start: nameStart, end: i });
    insertAt = i;
  }
}

const quote = (value: string) => `"${value.replace(/"/g, '&quot;')}"`;

/**
 * The tag with its attributes brought to `after` (a parser's view of them, values as written, entities
 * not decoded): changed ones rewritten where they stand, removed ones dropped, new ones appended.
 */
export function rewriteStartTag(html: string, tag: StartTag, before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string {
  let out = '';
  let position = tag.start;
  const done = new Set<string>();
  for (const attribute of tag.attributes) {
    if (done.has(attribute.name)) continue; // a repeated attribute: the parser (and browsers) kept the first
    done.add(attribute.name);
    const value = after[attribute.name];
    if (value === before[attribute.name]) continue;
    out += html.slice(position, attribute.start) + (value === undefined ? '' : `${attribute.name}=${quote(value)}`);
    position = attribute.end;
  }
  out += html.slice(position, tag.insertAt);
  for (const [name, value] of Object.entries(after)) if (!done.has(name)) out += ` ${name}=${quote(value)}`;
  return out + html.slice(tag.insertAt, tag.end);
}
