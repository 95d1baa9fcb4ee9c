import { describe, expect, it } from 'vitest';
import { dotStuff } from './dot-stuff.ts';

/** What DATA must carry for a message, written the obvious way. */
const reference = (message: string) => `${message.replace(/(^|\r\n)\./g, '$1..')}${message.endsWith('\r\n') ? '' : '\r\n'}.\r\n`;
const joined = (parts: Buffer[]) => Buffer.concat(parts).toString('latin1');

describe('dot-stuffing', () => {
  it('doubles a leading dot on every line, the first included, and ends with CRLF . CRLF', () => {
    const message = '.first\r\nplain\r\n.\r\n..two\r\nend.\r\n';
    expect(joined(dotStuff(Buffer.from(message, 'latin1')))).toBe('..first\r\nplain\r\n..\r\n...two\r\nend.\r\n.\r\n');
    expect(joined(dotStuff(Buffer.from('no final line break', 'latin1')))).toBe('no final line break\r\n.\r\n');
  });

  it('stuffs a message given in parts exactly as the whole, wherever the parts are cut', () => {
    const message = 'DKIM-Signature: v=1\r\n.From: a\r\n\r\n.\r\nbody\r\n.x\r\n\r\n..y\r\nlast.';
    for (let a = 0; a <= message.length; a++) {
      for (let b = a; b <= message.length; b += 3) {
        const parts = [message.slice(0, a), message.slice(a, b), message.slice(b)].map((p) => Buffer.from(p, 'latin1'));
        expect(joined(dotStuff(parts)), `cut at ${a} and ${b}`).toBe(reference(message));
      }
    }
  });

  it('answers slices of the message rather than a copy of it', () => {
    const body = Buffer.from(`${'x'.repeat(1000)}\r\n`.repeat(100), 'latin1');
    const parts = dotStuff([Buffer.from('H: v\r\n\r\n'), body]);
    expect(parts.some((p) => p.buffer === body.buffer && p.length === body.length)).toBe(true);
  });
});
