import { describe, expect, it } from 'vitest';
import { mxMatchesPolicy, parsePolicy, parseStsRecord } from './mta-sts-policy.ts';

const VALID = ['version: STSv1', 'mode: enforce', 'mx: mail.example.com', 'mx: *.backup.example.net', 'max_age: 604800', ''].join('\n');

function reasonOf(text: string): string {
  const parsed = parsePolicy(text);
  if (parsed.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parsed.policy)}`);
  return parsed.reason;
}

describe('parsePolicy', () => {
  it('reads a valid policy with its mode, every mx pattern and max_age', () => {
    expect(parsePolicy(VALID)).toEqual({
      ok: true,
      policy: { version: 'STSv1', mode: 'enforce', mx: ['mail.example.com', '*.backup.example.net'], maxAge: 604800 },
    });
  });

  it('reads CRLF line endings the same as LF, with or without a final line break', () => {
    const crlf = VALID.replace(/\n/g, '\r\n');
    expect(parsePolicy(crlf)).toEqual(parsePolicy(VALID));
    expect(parsePolicy(crlf.trimEnd())).toEqual(parsePolicy(VALID));
  });

  it('accepts fields in any order, spaces after the colon, unknown fields, and lower-cases mx patterns', () => {
    const parsed = parsePolicy('max_age:86400\nmx:   MX1.Example.COM.\nfuture_field: anything\nmode: testing\nversion: STSv1\n');
    expect(parsed).toEqual({ ok: true, policy: { version: 'STSv1', mode: 'testing', mx: ['mx1.example.com'], maxAge: 86400 } });
  });

  it('keeps the first value of a repeated field other than mx', () => {
    const parsed = parsePolicy('version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 60\nmax_age: 999\n');
    expect(parsed.ok && parsed.policy.mode).toBe('testing');
    expect(parsed.ok && parsed.policy.maxAge).toBe(60);
  });

  it('refuses a policy without any mx pattern in enforce or testing mode', () => {
    expect(reasonOf('version: STSv1\nmode: enforce\nmax_age: 86400\n')).toBe('missing mx');
    expect(reasonOf('version: STSv1\nmode: testing\nmax_age: 86400\n')).toBe('missing mx');
  });

  it('accepts a mode none policy without mx, the form used to retract MTA-STS', () => {
    expect(parsePolicy('version: STSv1\nmode: none\nmax_age: 86400\n')).toEqual({
      ok: true,
      policy: { version: 'STSv1', mode: 'none', mx: [], maxAge: 86400 },
    });
  });

  it('refuses a mode other than enforce, testing or none, including a differently-cased one', () => {
    expect(reasonOf(VALID.replace('mode: enforce', 'mode: strict'))).toBe('invalid mode "strict"');
    expect(reasonOf(VALID.replace('mode: enforce', 'mode: Enforce'))).toBe('invalid mode "Enforce"');
    expect(reasonOf(VALID.replace('mode: enforce\n', ''))).toBe('missing mode');
  });

  it('refuses a max_age that is missing, not a number, negative or longer than a year', () => {
    expect(reasonOf(VALID.replace('max_age: 604800\n', ''))).toBe('missing max_age');
    expect(reasonOf(VALID.replace('604800', 'forever'))).toBe('invalid max_age "forever"');
    expect(reasonOf(VALID.replace('604800', '-5'))).toBe('invalid max_age "-5"');
    expect(reasonOf(VALID.replace('604800', '1.5'))).toBe('invalid max_age "1.5"');
    expect(reasonOf(VALID.replace('604800', '31557601'))).toBe('max_age 31557601 exceeds 31557600');
    expect(parsePolicy(VALID.replace('604800', '31557600')).ok).toBe(true);
  });

  it('refuses a missing or other version', () => {
    expect(reasonOf(VALID.replace('version: STSv1\n', ''))).toBe('missing version');
    expect(reasonOf(VALID.replace('STSv1', 'STSv2'))).toBe('unsupported version "STSv2"');
  });

  it('refuses mx patterns that are not a host name or a single leading wildcard label', () => {
    for (const pattern of ['*', 'mail.*.example.com', '**.example.com', '*example.com', 'bad_host.example.com', 'a..b']) {
      expect(reasonOf(VALID.replace('mail.example.com', pattern))).toBe(`invalid mx pattern "${pattern}"`);
    }
  });

  it('refuses lines that are not fields, such as an HTML error page served as text/plain', () => {
    expect(reasonOf('<html><body>Not found</body></html>\n')).toBe('line 1 is not a "name: value" field');
    expect(reasonOf(`${VALID}garbage line\n`)).toBe('line 6 is not a "name: value" field');
  });
});

describe('mxMatchesPolicy', () => {
  it('matches an exact host name whatever its case and trailing dot', () => {
    expect(mxMatchesPolicy('Mail.Example.COM.', ['mail.example.com'])).toBe(true);
    expect(mxMatchesPolicy('mail.example.com', ['MAIL.EXAMPLE.COM.'])).toBe(true);
    expect(mxMatchesPolicy('mail2.example.com', ['mail.example.com'])).toBe(false);
  });

  it('lets a leading wildcard stand for exactly one label', () => {
    expect(mxMatchesPolicy('mx1.example.com', ['*.example.com'])).toBe(true);
    expect(mxMatchesPolicy('MX1.EXAMPLE.COM.', ['*.example.com'])).toBe(true);
    expect(mxMatchesPolicy('a.b.example.com', ['*.example.com'])).toBe(false);
    expect(mxMatchesPolicy('example.com', ['*.example.com'])).toBe(false);
    expect(mxMatchesPolicy('.example.com', ['*.example.com'])).toBe(false);
  });

  it('does not match a host that only ends with the pattern text', () => {
    expect(mxMatchesPolicy('mx.evilexample.com', ['*.example.com'])).toBe(false);
    expect(mxMatchesPolicy('mail.example.com.evil.net', ['mail.example.com'])).toBe(false);
  });

  it('treats a star anywhere but the first label literally, matching nothing real', () => {
    expect(mxMatchesPolicy('mx.a.example.com', ['mx.*.example.com'])).toBe(false);
    expect(mxMatchesPolicy('mx.example.com', ['*'])).toBe(false);
  });

  it('matches when any pattern matches and never for an empty host or pattern list', () => {
    expect(mxMatchesPolicy('mx.backup.net', ['mail.example.com', '*.backup.net'])).toBe(true);
    expect(mxMatchesPolicy('mx.example.com', [])).toBe(false);
    expect(mxMatchesPolicy('', ['*.example.com', ''])).toBe(false);
  });
});

describe('parseStsRecord', () => {
  it('reads the id of a single v=STSv1 record, ignoring other TXT records and extension fields', () => {
    expect(parseStsRecord([['v=spf1 -all'], ['v=STSv1; id=20240101T000000;'], ['google-site-verification=x']])).toEqual({
      status: 'valid',
      id: '20240101T000000',
    });
    expect(parseStsRecord([['v=STSv1;id=abc ; ext=1']])).toEqual({ status: 'valid', id: 'abc' });
  });

  it('joins the character-strings of one record before reading it', () => {
    expect(parseStsRecord([['v=STSv1; ', 'id=split', 'Across']])).toEqual({ status: 'valid', id: 'splitAcross' });
  });

  it('reports no policy at all when no record starts with v=STSv1', () => {
    expect(parseStsRecord([])).toEqual({ status: 'absent' });
    expect(parseStsRecord([['v=spf1 -all'], ['v=STSv10; id=1'], [' v=STSv1; id=1']])).toEqual({ status: 'absent' });
  });

  it('treats two v=STSv1 records as no policy, even when both are valid', () => {
    const record = parseStsRecord([['v=STSv1; id=one'], ['v=STSv1; id=two']]);
    expect(record.status).toBe('invalid');
    expect(record.status === 'invalid' && record.reason).toMatch(/2 v=STSv1 TXT records/);
  });

  it('treats a record without a valid id as no policy', () => {
    for (const txt of ['v=STSv1', 'v=STSv1;', 'v=STSv1; id=', 'v=STSv1; id=has-dash', `v=STSv1; id=${'a'.repeat(33)}`, 'v=STSv1; idonly']) {
      expect(parseStsRecord([[txt]]).status, txt).toBe('invalid');
    }
    expect(parseStsRecord([[`v=STSv1; id=${'a'.repeat(32)}`]])).toEqual({ status: 'valid', id: 'a'.repeat(32) });
  });
});
