/**
 * Prepares a CRLF message for DATA (RFC 5321 §4.5.2): a line starting with "." gets one more, and the
 * data ends with CRLF "." CRLF. Lines are never rewrapped here; the message was made 7-bit with lines
 * of at most 998 octets before it was signed. The message may come in parts (the signature header,
 * then the message as stored): a line may start in one part after a CRLF ending the part before.
 * Answers the data as slices of the parts with the added dots between them, so a message of tens of
 * MB is not copied once more to be sent.
 */
export function dotStuff(message: Buffer | Buffer[]): Buffer[] {
  const parts = Array.isArray(message) ? message : [message];
  const out: Buffer[] = [];
  // the two octets before the current part, across parts (a message starts at a line start)
  let before = [0x0d, 0x0a];
  for (const part of parts) {
    if (part.length === 0) continue;
    let start = 0;
    const lineStartAt = (i: number) => {
      const b2 = i >= 2 ? part[i - 2] : i === 1 ? before[1] : before[0];
      const b1 = i >= 1 ? part[i - 1] : before[1];
      return b2 === 0x0d && b1 === 0x0a;
    };
    for (const i of [0, 1]) {
      if (i < part.length && part[i] === 0x2e && lineStartAt(i)) {
        out.push(part.subarray(start, i), DOT);
        start = i;
      }
    }
    for (let at = part.indexOf('\r\n.', 0, 'latin1'); at >= 0; at = part.indexOf('\r\n.', at + 1, 'latin1')) {
      out.push(part.subarray(start, at + 2), DOT);
      start = at + 2;
    }
    out.push(part.subarray(start));
    before = part.length >= 2 ? [part[part.length - 2] as number, part[part.length - 1] as number] : [before[1] as number, part[0] as number];
  }
  out.push(Buffer.from(before[0] === 0x0d && before[1] === 0x0a ? '.\r\n' : '\r\n.\r\n'));
  return out.filter((b) => b.length > 0);
}

const DOT = Buffer.from('.');
