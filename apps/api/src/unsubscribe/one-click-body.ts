/**
 * Whether a POST body is RFC 8058's one-click request: the key/value pair of List-Unsubscribe-Post,
 * `List-Unsubscribe=One-Click`, sent as multipart/form-data (RFC 7578, what RFC 8058 says SHOULD be
 * used) or application/x-www-form-urlencoded (what it allows, and what the confirmation page's form
 * sends). Anything else is refused: a request that is not a one-click POST must not unsubscribe.
 */
export const ONE_CLICK_KEY = 'List-Unsubscribe';
export const ONE_CLICK_VALUE = 'One-Click';

/** Bodies this long at most are read (the real one is under 200 bytes in either form). */
export const ONE_CLICK_BODY_LIMIT = 2048;

export type OneClickCheck = { ok: true } | { ok: false; reason: string };

const WANTED = `must be ${ONE_CLICK_KEY}=${ONE_CLICK_VALUE} (RFC 8058), as application/x-www-form-urlencoded or multipart/form-data`;

export function readOneClickBody(contentType: string | undefined, body: string): OneClickCheck {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  let values: string[];
  if (type === 'application/x-www-form-urlencoded') values = urlEncodedValues(body);
  else if (type === 'multipart/form-data') {
    const boundary = boundaryOf(contentType ?? '');
    if (!boundary) return { ok: false, reason: 'multipart/form-data needs a boundary parameter' };
    values = multipartValues(body, boundary);
  } else return { ok: false, reason: WANTED };
  return values.length === 1 && values[0] === ONE_CLICK_VALUE ? { ok: true } : { ok: false, reason: WANTED };
}

function urlEncodedValues(body: string): string[] {
  try {
    // URLSearchParams decodes leniently; a malformed escape must not read as something it is not
    for (const pair of body.split('&')) decodeURIComponent(pair.replace(/\+/g, ' '));
  } catch {
    return [];
  }
  return new URLSearchParams(body).getAll(ONE_CLICK_KEY);
}

function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** The values of the fields named List-Unsubscribe (RFC 7578: each part a Content-Disposition: form-data; name="…"). */
function multipartValues(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts = body.split(delimiter);
  // before the first delimiter is a preamble; the last delimiter is followed by "--"
  if (parts.length < 3 || !(parts.at(-1) ?? '').startsWith('--')) return [];
  const values: string[] = [];
  for (const part of parts.slice(1, -1)) {
    const text = part.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
    const split = /\r?\n\r?\n/.exec(text);
    if (!split) return [];
    const headers = text.slice(0, split.index);
    const name = /^content-disposition:\s*form-data\s*;\s*name="([^"]*)"\s*$/im.exec(headers)?.[1];
    if (name === ONE_CLICK_KEY) values.push(text.slice(split.index + split[0].length));
  }
  return values;
}
