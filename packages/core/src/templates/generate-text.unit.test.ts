import { describe, expect, it } from 'vitest';
import { compileChecked } from './handlebars-env.ts';
import { htmlToText } from './html-text-converter.ts';
import { inlineCss } from './inline-css.ts';
import { finishText } from './generate-text.ts';
import { RECEIPT_HTML, RECEIPT_SUBJECT, receiptVariables } from './template-fixture.ts';
import { compiled, rendered } from './template-test-support.ts';

const textOf = (html: string, variables: unknown = {}) => rendered({ html }, variables).text;

describe('the text part made from the HTML', () => {
  it('keeps links as text [url], and leaves the url out when it is the text', () => {
    const html = '<p>Read <a href="https://x.example/terms">our terms</a>, visit <a href="{{url}}">{{url}}</a>, write to <a href="mailto:{{email}}">{{email}}</a>.</p>';
    expect(textOf(html, { url: 'https://shop.example', email: 'help@shop.example' })).toBe(
      'Read our terms [https://x.example/terms], visit https://shop.example, write to help@shop.example.',
    );
  });

  it('keeps headings as paragraphs of their own, in their own case', () => {
    expect(textOf('<h1>Welcome, {{name}}</h1><p>Glad you are here.</p><h2>Next steps</h2><p>Verify.</p>', { name: 'Ann' })).toBe(
      'Welcome, Ann\n\nGlad you are here.\n\nNext steps\n\nVerify.',
    );
  });

  it('keeps lists as "- " items, numbered lists numbered, one item per row of a loop', () => {
    const html = '<ul>\n  {{#each items}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul><ol><li>first</li><li>second</li></ol>';
    expect(textOf(html, { items: ['apples', 'pears'] })).toBe('- apples\n- pears\n\n 1. first\n 2. second');
  });

  it('shows images by their alt text only, and leaves out what the reader does not see', () => {
    const html = '<head><title>T</title><style>.pre { display: none }</style></head><body><div class="pre">preheader</div><div style="display:none">hidden</div><p hidden>also hidden</p><p><img src="https://cdn.example/logo.png" alt="Shop logo"> <img src="https://t.example/pixel.gif"> Hello</p><script>x()</script></body>';
    expect(textOf(html)).toBe('Shop logo Hello');
  });

  it('reads a layout table as rows of cells', () => {
    const html = '<table><tr><td>{{a}}</td><td>{{b}}</td></tr>{{#each rows}}<tr><td>{{name}}</td><td>{{qty}}</td></tr>{{/each}}</table>';
    expect(textOf(html, { a: 'Item', b: 'Qty', rows: [{ name: 'pen', qty: 2 }, { name: 'ink', qty: 1 }] })).toBe('Item Qty\npen 2\nink 1');
  });

  it('spaces words around a block that prints nothing as if it were not there', () => {
    const html = '<p>Dear {{#if vip}} valued {{/if}} customer,</p>\n<p>\n  {{#if note}}\n  {{note}}\n  {{/if}}\n</p>\n<p>Thanks</p>';
    expect(textOf(html, { vip: true, note: 'Hi' })).toBe('Dear valued customer,\n\nHi\n\nThanks');
    expect(textOf(html, { vip: false, note: '' })).toBe('Dear customer,\n\nThanks');
  });

  it('is finished in linear time: a variable of 60,000 spaces costs milliseconds, not seconds', () => {
    const started = performance.now();
    expect(textOf('<p>{{a}}</p><p>{{#if b}}x{{/if}}</p>', { a: `x${' '.repeat(60_000)}\t`, b: false })).toBe('x');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('turns HTML printed with {{{ }}} into text too', () => {
    expect(textOf('<div>{{{body}}}</div>', { body: '<p>Hello <a href="https://x.example">there</a></p><ul><li>one</li></ul>' })).toBe('Hello there [https://x.example]\n\n- one');
  });

  it('reads, for a realistic receipt, as the text of each rendered message would', () => {
    const template = compiled({ subject: RECEIPT_SUBJECT, html: RECEIPT_HTML });
    expect(template.textSource).toBe('generated');
    const asWritten = compileChecked(RECEIPT_HTML, true);
    for (const n of [1, 2]) {
      const perMessage = finishText(htmlToText(inlineCss(asWritten(receiptVariables(n)))));
      expect(rendered(template, receiptVariables(n)).text).toBe(perMessage);
    }
  });

  it('is made from each message instead when a link holds one block around text holding another, and still reads right', () => {
    const html = '<p><a href="{{#if vip}}https://x.example/vip{{else}}https://x.example{{/if}}">{{#each words}}{{this}} {{/each}}</a></p>';
    const template = compiled({ html });
    expect(template.textSource).toBe('per-render');
    expect(rendered(template, { vip: true, words: ['Go', 'now'] }).text).toBe('Go now [https://x.example/vip]');
  });

  it('is made from each message instead when braces written as entities would read as a tag', () => {
    const template = compiled({ html: '<p>Write &#123;&#123;name}} in your template, {{who}}</p>' });
    expect(template.textSource).toBe('per-render');
    expect(rendered(template, { who: 'Ann' }).text).toBe('Write {{name}} in your template, Ann');
  });
});

describe('a text template of its own', () => {
  it('wins over the HTML, and is used as written', () => {
    const out = rendered({ html: '<p>HTML {{a}}</p>', text: 'Text {{a}}\n\n\n  spaced  ' }, { a: 1 });
    expect(out.text).toBe('Text 1\n\n\n  spaced  ');
  });
});
