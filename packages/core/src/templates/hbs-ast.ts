/** Small readings of Handlebars' AST that its type definitions get wrong or leave out. */

/** A content statement's text as written (the types call it StripFlags; it is the string before whitespace control). */
export function contentOriginal(node: hbs.AST.ContentStatement): string {
  return (node as unknown as { original: string }).original;
}

/** Source offsets of Handlebars positions: line from 1, column from 0, lines ended by CRLF, CR or LF as its lexer counts them. */
export function sourceOffsets(source: string): (at: hbs.AST.Position) => number {
  const lineStarts = [0];
  for (const m of source.matchAll(/\r\n?|\n/g)) lineStarts.push(m.index + m[0].length);
  return (at) => (lineStarts[at.line - 1] ?? Number.NaN) + at.column;
}

/** What Handlebars prints for a value: nothing for null and undefined, "a,b" for a list, "[object Object]" for an object. */
export function printedValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '[object Object]';
}
