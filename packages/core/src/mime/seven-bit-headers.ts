import { encodeAddressList, encodeParameter, encodeUnstructured } from './encoded-words.ts';
import { buildField, foldLine, has8bit, hasLongLine, isUtf8Text, parseMimeValue, splitField, type HeaderField } from './header-fields.ts';

/** Unstructured fields: the whole value may become encoded-words (RFC 2047 §5(1)); also every X-* field. */
const UNSTRUCTURED = new Set(['subject', 'comments', 'content-description', 'thread-topic']);
/** Address-list fields: only display names and comments are encoded, domains become A-labels. */
const ADDRESS = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'resent-from', 'resent-sender', 'resent-to', 'resent-cc', 'resent-bcc']);
/** Fields with MIME parameters: 8-bit parameter values become RFC 2231 extended values. */
const PARAMETERISED = new Set(['content-type', 'content-disposition']);

const isUnstructured = (name: string | null): boolean => name !== null && (UNSTRUCTURED.has(name) || name.startsWith('x-'));

/**
 * Makes each header field 7-bit and at most 998 octets a line where that can be done without changing
 * what it means; fields without 8-bit octets or over-long lines are returned untouched (same object).
 * What has no 7-bit form is left as it is: UTF-8 local parts of addresses, and UTF-8 in any other
 * field (Message-ID, References, Received, List-*, ...), where encoded-words are not allowed. That is
 * RFC 6532's UTF-8 header, which only a server offering SMTPUTF8 may receive; 8-bit octets there that
 * are not UTF-8 are reported.
 */
export function sevenBitFields(fields: HeaderField[], warn: (message: string) => void): HeaderField[] {
  return fields.map((field) => {
    let result = has8bit(field.text) ? encodeField(field, warn) : field;
    if (hasLongLine(result.text)) {
      result = { ...result, text: result.text.split('\r\n').map((line) => (line.length > 998 ? foldLine(line, 78) : line)).join('\r\n') };
      if (hasLongLine(result.text) && isUnstructured(result.name)) {
        const { prefix, value } = splitField(result);
        result = keepEnding(field, buildField(prefix, encodeUnstructured(value)));
      }
      if (hasLongLine(result.text)) warn(`header field "${field.name ?? field.text.slice(0, 40)}" has a line over 998 octets with no whitespace to fold at`);
    }
    return result;
  });
}

function encodeField(field: HeaderField, warn: (message: string) => void): HeaderField {
  const name = field.name;
  if (name === null) {
    warn(`header line "${field.text.slice(0, 40)}" is not a field and has 8-bit octets; left as it is`);
    return field;
  }
  const { prefix, value } = splitField(field);
  if (isUnstructured(name)) return keepEnding(field, buildField(prefix, encodeUnstructured(value)));
  if (ADDRESS.has(name)) return keepEnding(field, buildField(prefix, encodeAddressList(value, (m) => warn(`${name}: ${m}`))));
  if (PARAMETERISED.has(name)) return keepEnding(field, buildField(prefix, encodeParameters(value, (m) => warn(`${name}: ${m}`))));
  if (!isUtf8Text(field.text)) warn(`header field "${name}" has 8-bit octets that are not UTF-8 where no encoding is defined; left as it is`);
  return field;
}

/** Rewrites each parameter with an 8-bit value as RFC 2231 (from the last, so positions stay valid). */
function encodeParameters(value: string, warn: (message: string) => void): string {
  let out = value;
  for (const param of parseMimeValue(value).params.reverse()) {
    if (!has8bit(param.value)) continue;
    const plainName = !param.name.includes('*') || param.name.endsWith('*');
    if (param.name === 'boundary' || !plainName) {
      warn(`parameter "${param.name}" has 8-bit octets and cannot be re-encoded; left as it is`);
      continue;
    }
    out = out.slice(0, param.start) + encodeParameter(param) + out.slice(param.end);
  }
  return out;
}

/** A rebuilt field ends like the original: with CRLF unless the original was the last line of input. */
function keepEnding(original: HeaderField, rebuilt: HeaderField): HeaderField {
  return original.text.endsWith('\r\n') ? rebuilt : { ...rebuilt, text: rebuilt.text.replace(/\r\n$/, '') };
}
