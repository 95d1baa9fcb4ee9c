import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileChecked } from './handlebars-env.ts';
import { compileErrors, htmlOf, renderErrors, rendered } from './template-test-support.ts';

/** Object.prototype as it was before any attack: every test must leave it so. */
let prototypeBefore: string[];
beforeAll(() => {
  prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
});
afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('templates that reach for prototypes', () => {
  const attacks = [
    '{{constructor.constructor "return process"}}',
    '{{#with __proto__}}{{polluted}}{{/with}}',
    '{{lookup this "constructor"}}',
    '{{this.__proto__.polluted}}',
    '{{this.[__proto__].polluted}}',
    '{{[constructor].name}}',
    '{{@root.constructor}}',
    '{{user.toString}}',
    '{{valueOf}}',
    '{{hasOwnProperty "x"}}',
    '{{#each items as |constructor|}}x{{/each}}',
    '{{#with (lookup this "__proto__")}}x{{/with}}',
    '{{#each this.constructor.prototype}}{{@key}}{{/each}}',
  ];
  for (const html of attacks) {
    it(`are refused when saved: ${html}`, () => {
      const errors = compileErrors({ html });
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.field).toBe('html');
    });
  }

  it('get nothing from the Handlebars runtime either, should a check ever let one through', () => {
    // compiled without Herald's checks: the runtime's own wall (no prototype access) is what answers
    for (const source of ['{{constructor}}', '{{constructor.name}}', '{{__proto__}}', '{{toString}}', '{{a.__proto__.x}}']) {
      expect(compileChecked(source, true)({ a: {} }), source).toBe('');
    }
  });
});

describe('variables that try to pollute', () => {
  it('are refused when they hold a __proto__ key, at any depth, and nothing is polluted', () => {
    const variables: unknown = JSON.parse('{"__proto__": {"polluted": "yes"}, "user": {"name": "x", "__proto__": {"isAdmin": true}}}');
    expect(renderErrors({ html: '<p>{{user.name}}</p>' }, variables)).toEqual([
      { field: 'variables.__proto__', message: 'a variable may not be called __proto__' },
      { field: 'variables.user.__proto__', message: 'a variable may not be called __proto__' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('may use the names constructor and prototype as plain data, which stays data', () => {
    const variables: unknown = JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}, "name": "Ann"}');
    expect(htmlOf('<p>{{name}}</p>', variables)).toBe('<p>Ann</p>');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('cannot smuggle a function or a class instance into a helper', () => {
    expect(renderErrors({ html: '{{formatDate d}}' }, { d: { toString: () => '2026-01-01' } })[0]).toMatchObject({ field: 'variables.d.toString' });
    expect(renderErrors({ html: '{{formatDate d}}' }, { d: new Date() })[0]).toMatchObject({ field: 'variables.d' });
  });
});

describe('what a template can reach', () => {
  it('is its variables only: globals, the process and the environment are missing variables', () => {
    expect(renderErrors({ html: '{{process.env.HOME}} {{global}} {{globalThis}} {{require}} {{module}}' }).map((e) => e.field)).toEqual([
      'variables.process', 'variables.global', 'variables.globalThis', 'variables.require', 'variables.module',
    ]);
    expect(htmlOf('[{{process.env.HOME}}{{global}}{{globalThis.process}}]', {}, { allowMissing: true })).toBe('[]');
  });

  it('inside a loop, is the row only: the outer variables need ../ (no recursive lookup)', () => {
    expect(renderErrors({ html: '{{#each items}}{{secret}}{{/each}}' }, { secret: 's', items: [{}] })).toEqual([
      { field: 'variables.items.0.secret', message: 'is missing (used at html line 1, column 18)' },
    ]);
  });

  it('cannot print a helper itself: a helper\'s name reads a variable of that name, never the function', () => {
    expect(htmlOf('[{{this.formatDate}}][{{eq.length}}]', { formatDate: 'var' }, { allowMissing: true })).toBe('[var][]');
    expect(renderErrors({ html: '{{eq.length}}' })).toEqual([{ field: 'variables.eq', message: 'is missing (used at html line 1, column 3)' }]);
  });

  it('cannot read a file or fetch a URL through an image or a link: those stay text in the message', () => {
    const out = rendered({ html: '<img src="file:///etc/passwd"><a href="{{u}}">x</a>' }, { u: 'file:///etc/shadow' });
    expect(out.html).toBe('<img src="file:///etc/passwd"><a href="file:///etc/shadow">x</a>');
  });
});

describe('Herald\'s internal helper (HTML as text, for generated text parts)', () => {
  it('cannot be called by a stored template, and its name reads a variable like any other', () => {
    expect(compileErrors({ html: '{{herald_html_as_text x}}' })[0]?.message).toMatch(/"herald_html_as_text" is not a helper/);
    expect(htmlOf('[{{herald_html_as_text}}]', { herald_html_as_text: '<b>v</b>' })).toBe('[&lt;b&gt;v&lt;/b&gt;]');
    expect(rendered({ html: '<p>x</p>', text: '[{{herald_html_as_text}}]' }, { herald_html_as_text: '<b>v</b>' }).text).toBe('[<b>v</b>]');
  });
});

describe('helper abuse', () => {
  it('is refused when saved: wrong arity, unknown styles, options Herald does not define', () => {
    for (const html of ['{{eq}}', '{{formatDate}}', '{{formatDate a "long" "en" "UTC" "extra"}}', '{{formatNumber n "currency" "EUR" "en" "x"}}', '{{formatDate d locale="en"}}']) {
      expect(compileErrors({ html }).length, html).toBeGreaterThan(0);
    }
  });

  it('is refused at render when a helper gets what it does not take from a subexpression or a variable', () => {
    expect(renderErrors({ html: '{{formatDate (eq a b)}}' }, { a: 1, b: 1 })[0]).toMatchObject({ field: 'html', message: expect.stringMatching(/formatDate needs an ISO 8601 date .*not a boolean/) as string });
    expect(renderErrors({ html: '{{formatNumber n}}' }, { n: [1, 2] })[0]).toMatchObject({ field: 'variables.n' });
  });
});
