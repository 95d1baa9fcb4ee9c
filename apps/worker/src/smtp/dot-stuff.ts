/**
 * Prepares a CRLF message for DATA (RFC 5321 §4.5.2): a line starting with "." gets one more, and the
 * data ends with CRLF "." CRLF. Lines are never rewrapped here; the message was made 7-bit with lines
 * of at most 998 octets before it was signed. Answers the data as slices of the message with the added
 * dots between them, so a message of tens of MB is not copied once more to be sent.
 */
export function dotStuff(message: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  if (message[0] === 0x2e) {
    parts.push(Buffer.from('.'));
  }
  let at = message.indexOf('\r\n.', 0, 'latin1');
  while (at >= 0) {
    parts.push(message.subarray(start, at + 2), Buffer.from('.'));
    start = at + 2;
    at = message.indexOf('\r\n.', start, 'latin1');
  }
  parts.push(message.subarray(start));
  const endsWithCrlf = message.length >= 2 && message[message.length - 2] === 0x0d && message[message.length - 1] === 0x0a;
  parts.push(Buffer.from(endsWithCrlf ? '.\r\n' : '\r\n.\r\n'));
  return parts;
}
