import { isUtf8 } from 'node:buffer';
import { domainToASCII } from 'node:url';
import { has8bit, isUtf8Text, type MimeParameter } from './header-fields.ts';

/**
 * Turning raw 8-bit header text (RFC 6532 UTF-8, or legacy bytes) into 7-bit: RFC 2047 encoded-words
 * for unstructured text, display names and comments, IDNA A-labels for domains, RFC 2231 for
 * parameter values. UTF-8 local parts have no 7-bit form and stay UTF-8. Text is latin1 (one char per octet). Bytes that are not UTF-8 are labelled
 * `unknown-8bit` (RFC 1428): the charset is not known, and guessing one would misstate it.
 */

/** RFC 2047 allows 75; shorter words let "Subject: " and the first word share a 78-character line. */
const WORD_LENGTH = 66;
/** Characters that may stand for themselves in a Q-encoded word anywhere, phrases included (§5(3)). */
const Q_SAFE = /^[A-Za-z0-9!*+\-/]$/;

/** The charset label for these octets: UTF-8 when they are valid UTF-8, else unknown-8bit. */
export function charsetOf(bytes: Buffer): string {
  return isUtf8(bytes) ? 'UTF-8' : 'unknown-8bit';
}

/**
 * RFC 2047 encoded-words (each at most 66 characters, within the 75 allowed) for latin1 text: Q
 * unless B is clearly shorter. A UTF-8 character is never split between two words (§5).
 */
export function encodeWords(text: string): string[] {
  const bytes = Buffer.from(text, 'latin1');
  const charset = charsetOf(bytes);
  const units = charset === 'UTF-8' ? [...bytes.toString('utf8')].map((c) => Buffer.from(c, 'utf8')) : [...bytes].map((b) => Buffer.from([b]));
  const qLength = [...bytes].reduce((n, b) => n + (b === 32 || Q_SAFE.test(String.fromCharCode(b)) ? 1 : 3), 0);
  // Q stays readable; B only when Q would be clearly longer (non-Latin scripts, emoji)
  const q = qLength <= Math.ceil(bytes.length / 3) * 4 * 1.25;
  const room = WORD_LENGTH - `=?${charset}?Q??=`.length;
  const words: string[] = [];
  let chunk: Buffer[] = [];
  const encode = (parts: Buffer[]): string => {
    const data = Buffer.concat(parts);
    if (!q) return data.toString('base64');
    return [...data].map((b) => (b === 32 ? '_' : Q_SAFE.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  };
  for (const unit of units) {
    if (chunk.length > 0 && encode([...chunk, unit]).length > room) {
      words.push(`=?${charset}?${q ? 'Q' : 'B'}?${encode(chunk)}?=`);
      chunk = [];
    }
    chunk.push(unit);
  }
  if (chunk.length > 0) words.push(`=?${charset}?${q ? 'Q' : 'B'}?${encode(chunk)}?=`);
  return words;
}

/** Words longer than this are encoded even when 7-bit, so the field can be folded (RFC 2047 allows it). */
const LONG_WORD = 500;

/**
 * An unstructured value (Subject, Comments, X-*): each run of consecutive words with 8-bit octets (or
 * too long to fold) becomes encoded-words, the whitespace inside the run encoded with it; ASCII words
 * between runs, and the whitespace around them, are kept as they are.
 */
export function encodeUnstructured(value: string): string {
  const tokens = value.split(/([ \t]+)/);
  const needs = tokens.map((t, i) => i % 2 === 0 && (has8bit(t) || t.length > LONG_WORD));
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    if (!needs[i]) {
      out += tokens[i];
      continue;
    }
    let last = i;
    while (needs[last + 2]) last += 2;
    out += encodeWords(tokens.slice(i, last + 1).join('')).join(' ');
    i = last;
  }
  return out;
}

type Token = { kind: 'ws' | 'quoted' | 'comment' | 'angle' | 'special' | 'word'; text: string };

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    const start = i;
    const c = value[i] as string;
    let kind: Token['kind'];
    if (c === ' ' || c === '\t') {
      kind = 'ws';
      while (value[i] === ' ' || value[i] === '\t') i++;
    } else if (c === '"' || c === '(' || c === '<') {
      kind = c === '"' ? 'quoted' : c === '(' ? 'comment' : 'angle';
      const close = c === '"' ? '"' : c === '(' ? ')' : '>';
      let depth = 0;
      for (i++; i < value.length; i++) {
        if (value[i] === '\\' && kind !== 'angle') i++;
        else if (c === '(' && value[i] === '(') depth++;
        else if (value[i] === close && depth-- === 0) break;
      }
      i++;
    } else if (c === ',' || c === ':' || c === ';') {
      kind = 'special';
      i++;
    } else {
      kind = 'word';
      while (i < value.length && !/[ \t"(<,:;]/.test(value[i] as string)) i++;
    }
    tokens.push({ kind, text: value.slice(start, i) });
  }
  return tokens;
}

/** The text inside a quoted string or comment, its delimiters and backslash escapes removed. */
const inner = (token: Token): string =>
  (/[")]$/.test(token.text) && token.text.length > 1 ? token.text.slice(1, -1) : token.text.slice(1)).replace(/\\([\s\S])/g, '$1');

/**
 * An address (addr-spec) with 8-bit octets: the domain as A-labels. A UTF-8 local part is kept as it is
 * (RFC 6532 §3.2: no encoded-word may stand for it; the message then needs SMTPUTF8 on the wire);
 * other 8-bit octets in a local part are kept and reported.
 */
function encodeAddress(address: string, warn: (message: string) => void): string {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  let domain = at < 0 ? '' : address.slice(at + 1);
  if (has8bit(domain)) {
    const ascii = domainToASCII(Buffer.from(domain, 'latin1').toString('utf8'));
    if (ascii) domain = ascii;
    else warn(`domain "${domain}" could not be converted to IDNA A-labels`);
  }
  if (has8bit(local) && !isUtf8Text(local)) warn('an address has a local part with 8-bit octets that are not UTF-8; left as it is');
  return at < 0 ? local : `${local}@${domain}`;
}

/**
 * An address-list field (From, To, Cc, Reply-To, Sender, Bcc, Resent-*): display names (a phrase
 * before '<' or a group name before ':') with 8-bit octets become encoded-words, comments become
 * encoded-words inside their parentheses, domains become A-labels. Everything else is kept as written,
 * UTF-8 local parts included.
 */
export function encodeAddressList(value: string, warn: (message: string) => void): string {
  const tokens = tokenize(value);
  let out = '';
  let segment: Token[] = [];
  const flush = (terminator: string) => {
    const angle = segment.findIndex((t) => t.kind === 'angle');
    const phraseEnd = angle >= 0 ? angle : terminator === ':' ? segment.length : 0;
    const phrase = segment.slice(0, phraseEnd);
    if (phrase.some((t) => has8bit(t.text))) {
      const first = phrase.findIndex((t) => t.kind !== 'ws');
      const last = phrase.length - 1 - [...phrase].reverse().findIndex((t) => t.kind !== 'ws');
      const display = phrase
        .slice(first, last + 1)
        .map((t) => (t.kind === 'quoted' ? inner(t) : t.text))
        .join('');
      out += phrase.slice(0, first).map((t) => t.text).join('') + encodeWords(display).join(' ') + phrase.slice(last + 1).map((t) => t.text).join('');
    } else {
      out += phrase.map((t) => t.text).join('');
    }
    for (const token of segment.slice(phraseEnd)) {
      if (!has8bit(token.text)) out += token.text;
      else if (token.kind === 'comment') out += `(${encodeWords(inner(token)).join(' ')})`;
      else if (token.kind === 'angle') out += `<${encodeAddress(token.text.replace(/^<|>$/g, ''), warn)}>`;
      else if (token.kind === 'word' && token.text.includes('@')) out += encodeAddress(token.text, warn);
      else {
        // UTF-8 is RFC 6532's; other octets have no meaning anyone can read
        if (!isUtf8Text(token.text)) warn(`address field text "${token.text}" has 8-bit octets that are not UTF-8 and no place an encoded-word may go; left as it is`);
        out += token.text;
      }
    }
    out += terminator;
    segment = [];
  };
  for (const token of tokens) {
    if (token.kind === 'special') flush(token.text);
    else segment.push(token);
  }
  flush('');
  return out;
}

const ATTRIBUTE_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/**
 * A MIME parameter with an 8-bit value as RFC 2231 extended parameter(s), split into continuations
 * ("name*0*=", "name*1*=") that each fit a 78-character line, without splitting a %XX escape. A value
 * already in extended form ("name*=utf-8''...") gets its raw 8-bit octets %-escaped instead.
 */
export function encodeParameter(param: MimeParameter): string {
  const percent = (text: string, keep: (c: string) => boolean) =>
    [...text].map((c) => (keep(c) ? c : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  if (param.name.endsWith('*')) return `${param.name}=${percent(param.value, (c) => c.charCodeAt(0) < 0x80)}`;
  const escaped = percent(param.value, (c) => ATTRIBUTE_CHAR.test(c));
  const charset = charsetOf(Buffer.from(param.value, 'latin1')).toLowerCase();
  // each continuation fits on a folded line: SP name*N*=[charset''] chunk ";" within 78
  const room = (n: number) => 78 - 3 - `${param.name}*${n}*=`.length - (n === 0 ? charset.length + 2 : 0);
  const chunks: string[] = [];
  for (const piece of escaped.match(/%[0-9A-F]{2}|[^%]/g) ?? ['']) {
    const lastChunk = chunks[chunks.length - 1];
    if (lastChunk !== undefined && lastChunk.length + piece.length <= room(chunks.length - 1)) chunks[chunks.length - 1] = lastChunk + piece;
    else chunks.push(piece);
  }
  if (chunks.length === 1) return `${param.name}*=${charset}''${chunks[0]}`;
  return chunks.map((chunk, i) => `${param.name}*${i}*=${i === 0 ? `${charset}''` : ''}${chunk}`).join('; ');
}
