import { describe, expect, it } from 'vitest';
import { templateValidationError } from './template-issue.ts';
import { TEMPLATE_LIMITS } from './template-limits.ts';
import { compiled, compileErrors, rendered } from './template-test-support.ts';

describe('syntax errors', () => {
  it('name the field, line and column of an unclosed expression (the first character Handlebars could not read)', () => {
    expect(compileErrors({ html: '<p>\n  Hello {{user.name</p>' })).toEqual([
      { field: 'html', line: 2, column: 16, message: 'line 2, column 16: unexpected character in an expression' },
    ]);
  });

  it('name the line and column of a block closed by the wrong name', () => {
    const [issue] = compileErrors({ text: 'Hi\n\n{{#if paid}}thanks{{/each}}' });
    expect(issue).toMatchObject({ field: 'text', line: 3, column: 4 });
    expect(issue?.message).toMatch(/if doesn't match each/);
  });

  it('name the line and column of an unclosed comment', () => {
    expect(compileErrors({ html: '<p>ok</p>\n  {{!-- a note' })).toEqual([
      { field: 'html', line: 2, column: 3, message: 'line 2, column 3: unrecognised text (an unclosed comment or expression?)' },
    ]);
  });

  it('say when a block is never closed', () => {
    expect(compileErrors({ html: '{{#each items}}\n<li>{{name}}</li>' })[0]?.message).toMatch(/ends inside an expression or an unclosed block/);
  });

  it('are reported for every field at once', () => {
    const errors = compileErrors({ subject: 'Hi {{name', html: '{{#if}}', text: 'ok', layoutHtml: '{{{@content}}} {{/x}}' });
    expect(errors.map((e) => e.field)).toEqual(['subject', 'html', 'layout']);
  });

  it('become a 400 validation_failed whose details name each field', () => {
    const error = templateValidationError(compileErrors({ subject: 'Hi {{name', html: '{{x}' }));
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(400);
    expect((error.details as { field: string }[]).map((d) => d.field)).toEqual(['subject', 'html']);
    expect(error.message).toMatch(/^The template or its variables are not valid: subject: line 1, column/);
  });
});

describe('size', () => {
  const limit = TEMPLATE_LIMITS.maxFieldBytes;

  it('accepts a field of exactly 512 KB of UTF-8', () => {
    expect(() => compiled({ html: 'a'.repeat(limit) })).not.toThrow();
  });

  it('refuses a field one byte over 512 KB, counting UTF-8 bytes rather than characters', () => {
    expect(compileErrors({ html: 'a'.repeat(limit + 1) })).toEqual([{ field: 'html', message: expect.stringMatching(/is 524289 bytes; .* at most 524288 bytes/) as string }]);
    // 174,765 characters, 524,289 bytes
    expect(compileErrors({ text: `${'€'.repeat(174_762)}abc`, html: '<p>x</p>' })[0]?.field).toBe('text');
  });
});

describe('tags', () => {
  it('may number 5,000 in a field, not more: compiling costs about 0.1 ms each', () => {
    expect(() => compiled({ html: '<i>{{a}}</i>'.repeat(TEMPLATE_LIMITS.maxTagsPerField) })).not.toThrow();
    expect(compileErrors({ html: '{{a}}'.repeat(TEMPLATE_LIMITS.maxTagsPerField + 1) })).toEqual([
      { field: 'html', message: 'holds 5001 tags ({{…}}); a template field may hold at most 5000' },
    ]);
  });
});

describe('what a template may do', () => {
  const refused: [string, RegExp][] = [
    ['{{> footer}}', /partials .* are not supported/],
    ['{{#> layout}}x{{/layout}}', /partials .* are not supported/],
    ['{{#*inline "x"}}y{{/inline}}', /decorators .* are not supported/],
    ['{{#user}}{{name}}{{/user}}', /only #if, #unless, #each and #with open a block/],
    ['{{^user}}nobody{{/user}}', /only #if, #unless, #each and #with open a block/],
    ['{{{{raw}}}}{{x}}{{{{/raw}}}}', /only #if, #unless, #each and #with open a block/],
    ['{{"literal"}}', /an expression prints a variable or calls a helper/],
    ['{{if cond}}', /#if opens a block/],
    ['{{#eq a b}}x{{/eq}}', /eq is not a block helper/],
    ['{{#if a b}}x{{/if}}', /#if takes one argument, not 2/],
    ['{{#if a as |x|}}y{{/if}}', /#if takes no block parameters/],
    ['{{#each items as |a b c|}}y{{/each}}', /at most 2 block parameters/],
    ['{{@level}}', /@level is not a data variable/],
    ['{{@index.x}}', /@index has no properties/],
    ['{{#if x includeZero="yes"}}y{{/if}}', /includeZero must be true or false/],
    ['{{unknown_helper x}}', /"unknown_helper" is not a helper/],
    ['{{(formatDate d)}}', /unexpected "\("/],
  ];
  for (const [html, message] of refused) {
    it(`refuses ${html} with the place and the reason`, () => {
      const [issue] = compileErrors({ html });
      expect(issue?.field).toBe('html');
      expect(issue?.line).toBe(1);
      expect(issue?.message).toMatch(message);
    });
  }

  it('refuses a subject whose own text has a line break, pointing at it', () => {
    expect(compileErrors({ subject: 'Your order {{id}}\nBcc: victim@example.com' })).toEqual([
      { field: 'subject', line: 1, column: 18, message: 'line 1, column 18: a subject is one line: it must not contain line breaks' },
    ]);
  });

  it('reports up to 50 problems of one field', () => {
    expect(compileErrors({ html: '{{nope x}}'.repeat(80) })).toHaveLength(50);
  });

  it('refuses HTML nested too deeply for the HTML tools, rather than failing', () => {
    const html = `<style>div { color: red }</style>${'<div>'.repeat(20_000)}{{x}}${'</div>'.repeat(20_000)}`;
    expect(compileErrors({ html })).toEqual([{ field: 'html', message: 'the HTML is nested too deeply to be processed (thousands of elements inside one another)' }]);
  });

  it('refuses blocks nested deeper than the limit', () => {
    const depth = TEMPLATE_LIMITS.maxBlockDepth + 2;
    const html = '{{#if a}}'.repeat(depth) + 'x' + '{{/if}}'.repeat(depth);
    expect(compileErrors({ html })[0]?.message).toMatch(/nested more than 32 deep/);
  });
});

describe('layouts', () => {
  const layoutHtml = '<html><body><div class="frame">{{{@content}}}</div><p>{{company}}</p></body></html>';

  it('wrap the template\'s HTML at {{{@content}}}, with the same variables, and leave subject and text alone', () => {
    const out = rendered({ subject: 'Hi {{name}}', html: '<p>Hello {{name}}</p>', text: 'Hello {{name}}', layoutHtml }, { name: 'Ann', company: 'Shop' });
    expect(out.html).toBe('<html><body><div class="frame"><p>Hello Ann</p></div><p>Shop</p></body></html>');
    expect(out.subject).toBe('Hi Ann');
    expect(out.text).toBe('Hello Ann');
  });

  it('style the template\'s HTML with their <style> block and give the text part their text too', () => {
    const out = rendered(
      { html: '<p class="lead">Hello {{name}}</p>', layoutHtml: '<html><head><style>.lead { font-weight: bold }</style></head><body>{{{@content}}}<p>— {{company}}</p></body></html>' },
      { name: 'Ann', company: 'Shop' },
    );
    expect(out.html).toBe('<html><head></head><body><p class="lead" style="font-weight: bold;">Hello Ann</p><p>— Shop</p></body></html>');
    expect(out.text).toBe('Hello Ann\n\n— Shop');
  });

  it('must hold {{{@content}}} exactly once, at the top level, with three braces', () => {
    expect(compileErrors({ layoutHtml: '<div>no place for content</div>' })[0]?.message).toMatch(/a layout must hold \{\{\{@content\}\}\}/);
    expect(compileErrors({ layoutHtml: '{{{@content}}}{{{@content}}}' })[0]).toMatchObject({ field: 'layout', column: 15, message: expect.stringMatching(/only once/) as string });
    expect(compileErrors({ layoutHtml: '{{#if x}}{{{@content}}}{{/if}}' })[0]?.message).toMatch(/must not be inside a block/);
    expect(compileErrors({ layoutHtml: '{{@content}}' })[0]?.message).toMatch(/three braces/);
  });

  it('keep @content to layouts', () => {
    expect(compileErrors({ html: '<p>{{{@content}}}</p>' })[0]?.message).toMatch(/belongs in a layout/);
    expect(compileErrors({ subject: '{{@content}}' })[0]?.field).toBe('subject');
  });

  it('trim the layout\'s whitespace beside a placeholder written with ~, as Handlebars would', () => {
    expect(rendered({ html: '<p>x</p>', layoutHtml: '<div>\n  {{~{@content}~}}\n</div>' }).html).toBe('<div><p>x</p></div>');
  });

  it('refuse a join that would change how the tags read', () => {
    // the content's trailing "{" would make the layout's {{company}} a triple-stash
    expect(compileErrors({ html: '<p>{', layoutHtml: '{{{@content}}}{{company}}}' }).length).toBeGreaterThan(0);
    expect(compileErrors({ html: 'x\\', layoutHtml: '{{{@content}}}{{company}}' })[0]).toMatchObject({ field: 'layout', message: expect.stringMatching(/do not join/) as string });
  });
});
