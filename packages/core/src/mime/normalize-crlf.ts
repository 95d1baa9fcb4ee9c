/**
 * Turns every line ending — CRLF, a bare LF or a bare CR — into CRLF, byte-exact otherwise (latin1 maps
 * each byte to one char and back). Runs before signing, so the bytes signed are the bytes sent: SMTP
 * clients rewrite bare LF but let a bare CR through, and a receiver may treat either as a line break.
 */
export function normalizeCrlf(input: Buffer): Buffer {
  const text = input.toString('latin1');
  if (!/\r(?!\n)|(?<!\r)\n/.test(text)) return input;
  return Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}
