import { describe, expect, it } from 'vitest';
import { compileTemplate } from './compile-template.ts';
import { renderTemplate } from './render-template.ts';
import { TEMPLATE_LIMITS } from './template-limits.ts';
import { compiled, htmlOf, renderErrors, rendered } from './template-test-support.ts';

describe('escaping', () => {
  it('HTML-escapes what {{ }} prints, so a variable cannot add markup', () => {
    expect(htmlOf('<p>{{name}}</p>', { name: '<script>alert(1)</script>' })).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(htmlOf('<a title="{{t}}">x</a>', { t: '" onmouseover="alert(1)' })).toBe('<a title="&quot; onmouseover&#x3D;&quot;alert(1)">x</a>');
  });

  it('prints {{{ }}} raw, for HTML the sender means', () => {
    expect(htmlOf('<div>{{{bio}}}</div>', { bio: '<b>bold</b>' })).toBe('<div><b>bold</b></div>');
  });

  it('prints values as they are in the subject and the text part, which are not HTML', () => {
    const out = rendered({ subject: 'Re: {{topic}}', html: '<p>{{topic}}</p>', text: 'About {{topic}}' }, { topic: 'Tom & Jerry <3' });
    expect(out.subject).toBe('Re: Tom & Jerry <3');
    expect(out.text).toBe('About Tom & Jerry <3');
    expect(out.html).toBe('<p>Tom &amp; Jerry &lt;3</p>');
  });
});

describe('loops and blocks', () => {
  it('loops over a list with @index, @first and @last', () => {
    const html = '{{#each items}}{{#if @first}}[{{/if}}{{@index}}:{{name}}{{#unless @last}},{{/unless}}{{#if @last}}]{{/if}}{{/each}}';
    expect(htmlOf(html, { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] })).toBe('[0:a,1:b,2:c]');
  });

  it('loops over an object with @key', () => {
    expect(htmlOf('{{#each sizes}}{{@key}}={{this}};{{/each}}', { sizes: { s: 1, m: 2 } })).toBe('s=1;m=2;');
  });

  it('names the row with block parameters and reaches the outer context with ../ and @root', () => {
    const html = '{{#each orders as |order i|}}{{i}}.{{order.id}}@{{../shop}}/{{@root.shop}} {{/each}}';
    expect(htmlOf(html, { shop: 'S', orders: [{ id: 7 }, { id: 9 }] })).toBe('0.7@S/S 1.9@S/S ');
  });

  it('renders {{else}} of #each for an empty list', () => {
    expect(htmlOf('{{#each items}}x{{else}}none{{/each}}', { items: [] })).toBe('none');
  });

  it('chooses #if, #unless and {{else if}} branches as Handlebars does (0 and [] are false unless includeZero)', () => {
    const html = '{{#if n}}yes{{else if m}}m{{else}}no{{/if}}';
    expect(htmlOf(html, { n: 1 })).toBe('yes');
    expect(htmlOf(html, { n: 0, m: 'x' })).toBe('m');
    expect(htmlOf(html, { n: [], m: '' })).toBe('no');
    expect(htmlOf('{{#if n includeZero=true}}zero counts{{/if}}', { n: 0 })).toBe('zero counts');
    expect(htmlOf('{{#unless paid}}please pay{{/unless}}', { paid: false })).toBe('please pay');
  });

  it('steps into an object with #with, and takes {{else}} when it is empty', () => {
    expect(htmlOf('{{#with user}}{{first}} {{last}}{{/with}}', { user: { first: 'Ann', last: 'Lee' } })).toBe('Ann Lee');
    expect(htmlOf('{{#with user}}{{first}}{{else}}guest{{/with}}', { user: null })).toBe('guest');
  });
});

describe('missing variables', () => {
  const template = compiled({
    subject: 'Order {{order.id}} for {{user.name}}',
    html: '<p>{{user.name}} {{user.email}}</p>{{#each items}}<li>{{name}}: {{price}}</li>{{/each}}{{#if vip}}{{vip_note}}{{/if}}',
  });

  it('are all named in one refusal, each with its path and where it is used (line and column of the name)', () => {
    const errors = renderErrors(template, { order: {}, user: { name: 'Ann' }, items: [{ name: 'a', price: 1 }, { name: 'b' }] });
    expect(errors).toEqual([
      { field: 'variables.order.id', message: 'is missing (used at subject line 1, column 9)' },
      { field: 'variables.user.email', message: 'is missing (used at html line 1, column 20)' },
      { field: 'variables.items.1.price', message: 'is missing (used at html line 1, column 67)' },
    ]);
  });

  it('are named once, at the first missing step of the path, with every place', () => {
    expect(renderErrors(template, { order: { id: 1 }, items: [] })).toEqual([
      { field: 'variables.user', message: 'is missing (used at subject line 1, column 26; html line 1, column 6; html line 1, column 20)' },
    ]);
  });

  it('are looked for only in the branches the variables choose', () => {
    const variables = { order: { id: 1 }, user: { name: 'A', email: 'e' }, items: [] };
    expect(rendered(template, variables).html).toBe('<p>A e</p>');
    expect(renderErrors(template, { ...variables, vip: true })).toEqual([{ field: 'variables.vip_note', message: 'is missing (used at html line 1, column 101)' }]);
  });

  it('include the list of an #each and the object of a #with, unless the block says what to do without them', () => {
    expect(renderErrors({ html: '{{#each items}}x{{/each}}{{#with user}}y{{/with}}' }, {}).map((e) => e.field)).toEqual(['variables.items', 'variables.user']);
    expect(htmlOf('{{#each items}}x{{else}}no items{{/each}}{{#with user}}y{{else}}no user{{/with}}', {})).toBe('no itemsno user');
  });

  it('do not include variables given as null: they print nothing', () => {
    expect(htmlOf('[{{a}}][{{b.c}}]', { a: null, b: null })).toBe('[][]');
  });

  it('print as nothing when the send allows missing variables', () => {
    const out = rendered(template, {}, { allowMissing: true });
    expect(out.subject).toBe('Order  for ');
    expect(out.html).toBe('<p> </p>');
  });

  it('count a property of the prototype as missing, not as present', () => {
    expect(renderErrors({ html: '{{items.length}} {{name.length}}' }, { items: {}, name: 'Ann' })).toEqual([
      { field: 'variables.items.length', message: 'is missing (used at html line 1, column 3)' },
    ]);
    expect(htmlOf('{{items.length}} {{name.length}}', { items: [1, 2], name: 'Ann' })).toBe('2 3');
  });
});

describe('the subject', () => {
  const template = compiled({ subject: 'Your order {{order.ref}}', html: '<p>{{order.ref}}</p>' });

  it('is refused when a variable would print a line break into it, naming the variable', () => {
    for (const ref of ['42\r\nBcc: victim@example.com', '42\nX', '42\rX', '42\u2028X', '42\u2029X', '42\u0085X', '42\vX', '42\fX']) {
      expect(renderErrors(template, { order: { ref } })).toEqual([
        { field: 'variables.order.ref', message: 'contains a line break, and is printed into the subject (subject line 1, column 12), which is one line' },
      ]);
    }
  });

  it('keeps a line break that a variable prints into the HTML or the text part', () => {
    expect(rendered({ subject: 'x', html: '<pre>{{a}}</pre>', text: '{{a}}' }, { a: 'one\ntwo' }).text).toBe('one\ntwo');
  });

  it('is refused when it renders longer than 998 characters', () => {
    expect(renderErrors(template, { order: { ref: 'x'.repeat(990) } })).toEqual([
      { field: 'subject', message: 'the rendered subject is 1001 characters; at most 998 are allowed' },
    ]);
  });
});

describe('variables', () => {
  const template = compiled({ html: '<p>{{a}}</p>' });

  it('must be a JSON object', () => {
    for (const variables of [null, [], 'a', 1, undefined]) {
      expect(renderTemplate(template, variables)).toEqual({ ok: false, errors: [{ field: 'variables', message: expect.stringMatching(/^must be a JSON object, not /) as string }] });
    }
  });

  it('may hold only JSON values', () => {
    const errors = renderErrors(template, { a: 1, when: new Date(0), f: () => 1, n: Number.NaN, list: [1, new Map()], u: undefined });
    expect(errors.map((e) => e.field)).toEqual(['variables.when', 'variables.f', 'variables.n', 'variables.list.1', 'variables.u']);
  });

  it('may be nested 10 deep, not 11', () => {
    const nest = (depth: number): object => (depth === 1 ? { a: 1 } : { a: nest(depth - 1) });
    expect(renderTemplate(template, nest(10)).ok).toBe(true);
    expect(renderErrors(template, nest(11))).toEqual([
      { field: 'variables.a.a.a.a.a.a.a.a.a.a', message: 'is nested too deeply: objects and lists may be nested at most 10 deep' },
    ]);
  });

  it('may be 64 KB as JSON, not more', () => {
    const fits = { a: 'x'.repeat(TEMPLATE_LIMITS.maxVariablesBytes - 8) };
    expect(Buffer.byteLength(JSON.stringify(fits))).toBe(TEMPLATE_LIMITS.maxVariablesBytes);
    expect(renderTemplate(template, fits).ok).toBe(true);
    expect(renderErrors(template, { a: 'ü'.repeat(TEMPLATE_LIMITS.maxVariablesBytes / 2) })).toEqual([
      { field: 'variables', message: 'are 65544 bytes as JSON; at most 65536 are allowed' },
    ]);
  });
});

describe('the work of one render', () => {
  it('is bounded: loops over loops that would run millions of times are refused before they run', () => {
    const list = Array.from({ length: 300 }, (_, i) => i);
    const html = '{{#each list}}{{#each @root.list}}{{#each @root.list}}{{this}}{{/each}}{{/each}}{{/each}}';
    const started = performance.now();
    expect(renderErrors({ html }, { list })[0]?.message).toMatch(/rendering would go past 200,000 expressions or 8 MB of output/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses, rather than fails on, HTML from a variable nested too deeply to turn into text', () => {
    // within the 64 KB of variables: unclosed tags nest one inside the other
    const deep = `${'<b>'.repeat(20_000)}x`;
    expect(renderErrors({ html: '<div>{{{body}}}</div>' }, { body: deep })).toEqual([
      { field: 'variables', message: 'the template could not be rendered with these variables: the HTML it makes is nested too deeply to be processed' },
    ]);
  });

  it('allows a long order of 1,000 rows', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ name: `item ${i}`, price: i }));
    expect(htmlOf('{{#each items}}<tr><td>{{name}}</td><td>{{price}}</td></tr>{{/each}}', { items }).match(/<tr>/g)).toHaveLength(1000);
  });
});

it('a template compiles to the same output however often it is rendered, with variables never shared between renders', () => {
  const result = compileTemplate({ subject: '{{n}}', html: '<p>{{n}}</p>' });
  if (!result.ok) throw new Error('compile');
  const outs = [1, 2, 3].map((n) => renderTemplate(result.template, { n }));
  expect(outs.map((o) => (o.ok ? o.rendered.html : null))).toEqual(['<p>1</p>', '<p>2</p>', '<p>3</p>']);
});
