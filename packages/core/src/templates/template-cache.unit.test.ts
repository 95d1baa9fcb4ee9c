import { describe, expect, it } from 'vitest';
import { type CompileResult, compileTemplate, type TemplateSource } from './compile-template.ts';
import { renderTemplate } from './render-template.ts';
import { TemplateCache, templateCacheKey } from './template-cache.ts';
import { RECEIPT_HTML, RECEIPT_SUBJECT, receiptVariables } from './template-fixture.ts';

/** A cache whose compilations are counted. */
function countingCache(maxEntries?: number) {
  const compiled: string[] = [];
  const cache = new TemplateCache(maxEntries, (source: TemplateSource): CompileResult => {
    compiled.push(source.subject);
    return compileTemplate(source);
  });
  return { cache, compiled };
}

describe('the template cache', () => {
  it('compiles a version once for a batch of 500 messages, each rendered with its own variables', () => {
    const { cache, compiled } = countingCache();
    const subjects = new Set<string>();
    for (let n = 0; n < 500; n++) {
      const result = cache.get(templateCacheKey('tv_1'), () => ({ subject: RECEIPT_SUBJECT, html: RECEIPT_HTML }));
      if (!result.ok) throw new Error('compile');
      const out = renderTemplate(result.template, receiptVariables(n));
      if (!out.ok) throw new Error('render');
      subjects.add(out.rendered.subject);
    }
    expect(compiled).toHaveLength(1);
    expect(subjects.size).toBe(500);
  });

  it('keeps a version in another layout version apart', () => {
    const { cache, compiled } = countingCache();
    cache.get(templateCacheKey('tv_1', 'lv_1'), () => ({ subject: 'a', html: 'x', layoutHtml: '<b>{{{@content}}}</b>' }));
    cache.get(templateCacheKey('tv_1', 'lv_2'), () => ({ subject: 'b', html: 'x', layoutHtml: '<i>{{{@content}}}</i>' }));
    cache.get(templateCacheKey('tv_1'), () => ({ subject: 'c', html: 'x' }));
    expect(compiled).toEqual(['a', 'b', 'c']);
  });

  it('drops the least recently used version past its size, and only that one', () => {
    const { cache, compiled } = countingCache(2);
    const get = (key: string) => cache.get(key, () => ({ subject: key, html: 'x' }));
    get('a');
    get('b');
    get('a'); // a is now the most recent
    get('c'); // drops b
    expect(cache.size).toBe(2);
    get('a');
    get('b');
    expect(compiled).toEqual(['a', 'b', 'c', 'b']);
  });

  it('keeps a failure too, so that a broken version is not compiled again for every message', () => {
    const { cache, compiled } = countingCache();
    const first = cache.get('bad', () => ({ subject: '{{', html: 'x' }));
    const second = cache.get('bad', () => ({ subject: '{{', html: 'x' }));
    expect(first.ok).toBe(false);
    expect(second).toBe(first);
    expect(compiled).toHaveLength(1);
  });
});
