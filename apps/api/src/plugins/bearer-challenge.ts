/**
 * The WWW-Authenticate challenge of a 401 (RFC 9110 §11.6.1, RFC 6750 §3): `Bearer realm="herald"`,
 * plus `error="invalid_token"` and a description when a bearer token was presented and refused
 * (unknown, malformed, revoked or expired key; a wrong admin token). A request that presented no
 * bearer token gets no error attribute (RFC 6750 §3.1).
 */
export function bearerChallenge(authorization: string | undefined, description: string): string {
  if (!/^Bearer\s+\S/i.test(authorization ?? '')) return 'Bearer realm="herald"';
  // a quoted-string without quotes or backslashes, in the characters RFC 6750 allows there
  const quoted = description.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ');
  return `Bearer realm="herald", error="invalid_token", error_description="${quoted}"`;
}
