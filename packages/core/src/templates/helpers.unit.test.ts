import { describe, expect, it } from 'vitest';
import { compileErrors, htmlOf, renderErrors } from './template-test-support.ts';

describe('the eq helper', () => {
  it('chooses a branch by strict equality when used as a subexpression in #if', () => {
    const html = '{{#if (eq status "paid")}}paid{{else}}open{{/if}}';
    expect(htmlOf(html, { status: 'paid' })).toBe('paid');
    expect(htmlOf(html, { status: 'PAID' })).toBe('open');
    expect(htmlOf('{{#if (eq count 1)}}one{{else}}other{{/if}}', { count: '1' })).toBe('other');
  });

  it('compares with a missing variable without complaining (a test is allowed to miss)', () => {
    expect(htmlOf('{{#if (eq status "paid")}}paid{{else}}open{{/if}}', {})).toBe('open');
  });

  it('takes exactly two arguments', () => {
    expect(compileErrors({ html: '{{#if (eq a)}}x{{/if}}' })[0]?.message).toMatch(/eq takes 2 arguments, not 1/);
  });
});

describe('the formatDate helper', () => {
  const at = '2026-01-02T21:30:00Z';

  it('formats an ISO date in the fixed styles, in English and UTC unless told otherwise', () => {
    expect(htmlOf('{{formatDate d}}', { d: at })).toBe('Jan 2, 2026');
    expect(htmlOf('{{formatDate d "short"}}|{{formatDate d "long"}}|{{formatDate d "full"}}', { d: at })).toBe('1/2/26|January 2, 2026|Friday, January 2, 2026');
    expect(htmlOf('{{formatDate d "datetime"}}|{{formatDate d "time"}}|{{formatDate d "iso"}}', { d: at })).toBe('Jan 2, 2026, 9:30 PM|9:30 PM|2026-01-02T21:30:00Z');
  });

  it('formats in the locale and time zone given, from literals or variables', () => {
    expect(htmlOf('{{formatDate d "long" "de-DE" "Europe/Berlin"}}', { d: at })).toBe('2. Januar 2026');
    expect(htmlOf('{{formatDate d "datetime" locale tz}}', { d: at, locale: 'fr-FR', tz: 'Asia/Tokyo' })).toBe('3 janv. 2026, 06:30');
  });

  it('shows a date without a time as that calendar day in every time zone', () => {
    expect(htmlOf('{{formatDate d "long" "en-US" "America/Los_Angeles"}}', { d: '2026-01-02' })).toBe('January 2, 2026');
  });

  it('prints nothing for a variable given as null', () => {
    expect(htmlOf('[{{formatDate d}}]', { d: null })).toBe('[]');
  });

  it('refuses an invalid date from the variables, naming the variable', () => {
    const cases: [unknown, RegExp][] = [
      ['2026-02-30', /"2026-02-30" is not a valid ISO 8601 date/],
      ['2026-01-02T25:00:00Z', /is not a valid ISO 8601 date/],
      ['2026-01-02T09:30:00', /has a time but no offset: add Z/],
      ['next Tuesday', /is not a valid ISO 8601 date/],
      [1767303000, /needs an ISO 8601 date .*not a number/],
    ];
    for (const [d, message] of cases) {
      const [issue] = renderErrors({ html: '{{formatDate d}}' }, { d });
      expect(issue?.field).toBe('variables.d');
      expect(issue?.message).toMatch(message);
    }
  });

  it('refuses an unknown style, locale or time zone written in the template when the template is saved', () => {
    expect(compileErrors({ html: '{{formatDate d "fancy"}}' })[0]).toMatchObject({ field: 'html', line: 1, column: 16, message: expect.stringMatching(/style must be one of short, medium/) as string });
    expect(compileErrors({ html: '{{formatDate d "long" "xx-YY"}}' })[0]?.message).toMatch(/"xx-YY" is not a locale/);
    expect(compileErrors({ html: '{{formatDate d "long" "en" "Mars/Olympus"}}' })[0]?.message).toMatch(/"Mars\/Olympus" is not a known time zone/);
  });

  it('refuses an unknown locale or time zone coming from a variable, naming it', () => {
    expect(renderErrors({ html: '{{formatDate d "long" "en" tz}}' }, { d: at, tz: 'Nowhere/Land' })[0]).toMatchObject({ field: 'variables.tz' });
    expect(renderErrors({ html: '{{formatDate d "long" loc}}' }, { d: at, loc: 'not a locale!' })[0]).toMatchObject({ field: 'variables.loc' });
  });
});

describe('the formatNumber helper', () => {
  it('formats numbers as decimals, integers and percentages', () => {
    expect(htmlOf('{{formatNumber n}}|{{formatNumber n "integer"}}|{{formatNumber p "percent"}}', { n: 1234.5678, p: 0.256 })).toBe('1,234.568|1,235|25.6%');
  });

  it('formats money in a currency and locale, exactly when the amount is a decimal string', () => {
    expect(htmlOf('{{formatNumber total "currency" "EUR" "de-DE"}}', { total: '1234567.89' })).toBe('1.234.567,89\u00a0€');
    expect(htmlOf('{{formatNumber total "currency" cur}}', { total: 12.5, cur: 'USD' })).toBe('$12.50');
    expect(htmlOf('{{formatNumber n "decimal" "de-DE"}}', { n: 1234.5 })).toBe('1.234,5');
  });

  it('refuses what is not a number, naming the variable', () => {
    for (const n of ['12,50', 'NaN', true, { amount: 1 }, '1e5']) {
      expect(renderErrors({ html: '{{formatNumber n}}' }, { n })[0]).toMatchObject({ field: 'variables.n', message: expect.stringMatching(/formatNumber needs a number/) as string });
    }
  });

  it('refuses a currency style without an ISO 4217 code, and a style it does not know', () => {
    expect(compileErrors({ html: '{{formatNumber n "currency"}}' })[0]?.message).toMatch(/needs an ISO 4217 currency code/);
    expect(compileErrors({ html: '{{formatNumber n "currency" "euro"}}' })[0]?.message).toMatch(/needs an ISO 4217 currency code/);
    expect(compileErrors({ html: '{{formatNumber n "scientific"}}' })[0]?.message).toMatch(/style must be one of decimal, integer, percent, currency/);
    expect(renderErrors({ html: '{{formatNumber n "currency" cur}}' }, { n: 1, cur: 'dollars' })[0]?.field).toBe('variables.cur');
  });

  it('takes at most a locale after a style other than currency', () => {
    expect(compileErrors({ html: '{{formatNumber n "decimal" "en" "de"}}' })[0]?.message).toMatch(/the decimal style takes at most a locale/);
  });
});

describe('helpers are a fixed set', () => {
  it('refuses a helper that is not Herald\'s, and the built-ins Herald removed, when the template is saved', () => {
    for (const html of ['{{uppercase name}}', '{{lookup this "name"}}', '{{log "hi"}}', '{{helperMissing "x"}}', '{{#blockHelperMissing x}}y{{/blockHelperMissing}}']) {
      const errors = compileErrors({ html });
      expect(errors.length, html).toBeGreaterThan(0);
      expect(errors[0]?.field).toBe('html');
    }
  });

  it('reads the name of a removed built-in without arguments as a variable, never as a helper', () => {
    expect(htmlOf('{{log}}|{{lookup}}|{{helperMissing}}', { log: 'a', lookup: 'b', helperMissing: 'c' })).toBe('a|b|c');
  });

  it('refuses helper options Herald does not define', () => {
    expect(compileErrors({ html: '{{formatDate d style="long"}}' })[0]?.message).toMatch(/takes no name=value options/);
    expect(compileErrors({ html: '{{#each items sort=true}}x{{/each}}' })[0]?.message).toMatch(/#each takes no option sort/);
  });
});
