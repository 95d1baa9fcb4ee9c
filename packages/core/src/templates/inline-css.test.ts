import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { compileChecked } from './handlebars-env.ts';
import { inlineCss } from './inline-css.ts';
import { RECEIPT_HTML, RECEIPT_SUBJECT, receiptVariables } from './template-fixture.ts';
import { compiled, rendered } from './template-test-support.ts';

describe('CSS inlining', () => {
  it('turns the rules of a <style> block into style attributes and removes the block', () => {
    const template = compiled({ html: '<style>p { color: red }</style><p>Hi {{name}}</p>' });
    expect(template.css).toBe('compiled');
    expect(rendered(template, { name: 'Ann' }).html).toBe('<p style="color: red;">Hi Ann</p>');
  });

  it('keeps media queries in a <style> block, without the rules it inlined', () => {
    const html = rendered({ html: '<head><style>p{color:red} @media (max-width: 600px) { p { color: blue !important } }</style></head><p>x</p>' }).html;
    expect(html).toMatch(/^<head><style>\s*@media \(max-width: 600px\) \{\s*p \{\s*color: blue !important;\s*\}\s*\}\s*<\/style><\/head><p style="color: red;">x<\/p>$/);
  });

  it('leaves expressions in attributes intact, and they still print the variables, escaped', () => {
    const template = '<style>a { color: #36c }</style><a class="btn" href="{{url}}" title="{{title}}" data-x={{x}}>{{label}}</a>';
    expect(rendered({ html: template }, { url: 'https://x.example/?a=1&b=2', title: 'Say "hi"', x: 'y', label: '<Go>' }).html).toBe(
      '<a class="btn" href="https://x.example/?a&#x3D;1&amp;b&#x3D;2" title="Say &quot;hi&quot;" data-x=y style="color: #36c;">&lt;Go&gt;</a>',
    );
  });

  it('styles every row a loop makes', () => {
    const html = rendered({ html: '<style>td { padding: 4px }</style><table>{{#each rows}}<tr><td>{{this}}</td></tr>{{/each}}</table>' }, { rows: ['a', 'b'] }).html;
    expect(html).toBe('<table><tr><td style="padding: 4px;">a</td></tr><tr><td style="padding: 4px;">b</td></tr></table>');
  });

  it('lets a style attribute win over a rule, keeping an expression in it', () => {
    const html = rendered({ html: '<style>p { color: red; margin: 0 }</style><p style="color: {{brand}}">x</p>' }, { brand: '#0a0' }).html;
    expect(html).toBe('<p style="margin: 0; color: #0a0;">x</p>');
  });

  it('writes width and similar attributes where mail clients read them', () => {
    expect(rendered({ html: '<style>table { width: 600px } td { text-align: right }</style><table><tr><td>x</td></tr></table>' }).html).toBe(
      '<table style="width: 600px;" width="600"><tr><td style="text-align: right;" align="right">x</td></tr></table>',
    );
  });

  it('gives, once at compile time, exactly what inlining each rendered message would give', () => {
    const template = compiled({ subject: RECEIPT_SUBJECT, html: RECEIPT_HTML });
    const asWritten = compileChecked(RECEIPT_HTML, true);
    expect(template.css).toBe('compiled');
    for (const n of [1, 2]) {
      expect(rendered(template, receiptVariables(n)).html).toBe(inlineCss(asWritten(receiptVariables(n))));
    }
  });

  it('matches rules against the template as written: a class printed from a variable gets no inlined style', () => {
    // the documented limit of inlining once: {{level}} is opaque text when the rules are matched
    expect(rendered({ html: '<style>.urgent { color: red }</style><p class="{{level}}">x</p>' }, { level: 'urgent' }).html).toBe('<p class="urgent">x</p>');
  });

  it('inlines each message when a <style> block holds an expression, and says so', () => {
    const template = compiled({ html: '<style>p { color: {{brand}} }</style><p>x</p>' });
    expect(template.css).toBe('per-render');
    expect(template.notes).toEqual(['CSS is inlined into each message: a <style> block holds expressions']);
    expect(rendered(template, { brand: 'green' }).html).toBe('<p style="color: green;">x</p>');
  });

  it('inlines each message when a styled element has a block among its attributes, and both branches come out right', () => {
    const template = compiled({ html: '<style>p { color: red }</style><p {{#if big}}style="font-size: 20px"{{/if}}>x</p>' });
    expect(template.css).toBe('per-render');
    expect(rendered(template, { big: true }).html).toBe('<p style="color: red; font-size: 20px;">x</p>');
    expect(rendered(template, { big: false }).html).toBe('<p style="color: red;">x</p>');
  });

  it('never fetches a stylesheet, an @import or an image', async () => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.end('p { color: red }');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const html = `<link rel="stylesheet" href="${base}/link.css"><style>@import url("${base}/import.css"); p { margin: 0 }</style><p><img src="${base}/img.png"></p>`;
      const forEachMessage = `<style>p { color: {{c}} }</style>${html}`;
      rendered({ html }, {});
      rendered({ html: forEachMessage }, { c: 'red' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });
});
