import { describe, expect, it } from 'vitest';
import { readOneClickBody } from './one-click-body.ts';

const FORM = 'application/x-www-form-urlencoded';

describe("reading RFC 8058's one-click POST body", () => {
  it('accepts List-Unsubscribe=One-Click form-encoded, as mailbox providers and the confirmation form send it', () => {
    expect(readOneClickBody(FORM, 'List-Unsubscribe=One-Click')).toEqual({ ok: true });
    expect(readOneClickBody('Application/X-WWW-Form-Urlencoded; charset=UTF-8', 'List-Unsubscribe=One-Click')).toEqual({ ok: true });
    expect(readOneClickBody(FORM, 'List-Unsubscribe=One%2DClick')).toEqual({ ok: true });
  });

  it("accepts it as multipart/form-data, RFC 8058's own example", () => {
    const body = ['---FormBoundaryjWmhtjORrn', 'Content-Disposition: form-data; name="List-Unsubscribe"', '', 'One-Click', '---FormBoundaryjWmhtjORrn--', ''].join('\r\n');
    expect(readOneClickBody('multipart/form-data; boundary=-FormBoundaryjWmhtjORrn', body)).toEqual({ ok: true });
    expect(readOneClickBody('multipart/form-data; boundary="-FormBoundaryjWmhtjORrn"', body)).toEqual({ ok: true });
  });

  it('refuses every other body, type or shape', () => {
    const refused: [string | undefined, string][] = [
      [FORM, ''],
      [FORM, 'List-Unsubscribe=one-click'],
      [FORM, 'List-Unsubscribe=One-Click&List-Unsubscribe=One-Click'],
      [FORM, 'list-unsubscribe=One-Click'],
      [FORM, 'List-Unsubscribe=One-Click%'],
      [FORM, 'List-Unsubscribe=One-Click%00'],
      [FORM, 'unsubscribe=yes'],
      ['application/json', '{"List-Unsubscribe":"One-Click"}'],
      ['text/plain', 'List-Unsubscribe=One-Click'],
      [undefined, 'List-Unsubscribe=One-Click'],
      ['multipart/form-data', '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="Other"\r\n\r\nOne-Click\r\n--x--'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click-Please\r\n--x--'],
    ];
    for (const [type, body] of refused) expect(readOneClickBody(type, body), `${type} ${body}`).toMatchObject({ ok: false });
  });
});
