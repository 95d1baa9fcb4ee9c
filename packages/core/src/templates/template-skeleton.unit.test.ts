import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { keepsStructure, restore, skeletonize, splitTags, tokensIn } from './template-skeleton.ts';

const skeletonOf = (source: string) => {
  const skeleton = skeletonize(source, Handlebars.parse(source));
  if (!skeleton) throw new Error('no skeleton');
  return skeleton;
};

describe('a template skeleton', () => {
  it('restores to the template exactly, whatever the tags and line endings', () => {
    for (const source of [
      '<p class="{{cls}}">\r\n  {{#each items as |it i|}}\n  <li>{{it.name}}</li>\r  {{else}}none{{/each}}{{!-- a }} b --}}</p>{{~x~}}  y',
      '{{#if a}}1{{else if b}}2{{^}}3{{/if}}{{{raw}}}{{~{raw2}~}}{{&raw3 x}}',
      '{{y "}}"}}{{z [a}}b]}}{{!--}}{{! short }}',
      'x \\{{escaped}} y {{z}}',
      '',
    ]) {
      const skeleton = skeletonOf(source);
      expect(tokensIn(skeleton.text)).toEqual(skeleton.tags.map((_, i) => i));
      expect(restore(skeleton.text, skeleton.tags)).toBe(source);
    }
  });

  it('knows each tag\'s kind and block', () => {
    const { tags } = skeletonOf('{{#if a}}{{x}}{{else}}{{{y}}}{{/if}}{{! c }}');
    expect(tags.map((t) => `${t.kind}${t.block >= 0 ? t.block : ''}`)).toEqual(['open0', 'mustache', 'else0', 'raw', 'close0', 'comment']);
    expect(tags[3]?.expression).toEqual({ text: 'y', hasArguments: false });
  });

  it('is refused for a template already holding the token characters', () => {
    expect(skeletonize('a\uE000b', Handlebars.parse('a\uE000b'))).toBeNull();
  });

  it('splits a run of tags only where a tag really ends', () => {
    expect(splitTags('{{a "}}"}}{{{b}}}{{!-- }} --}}')).toEqual(['{{a "}}"}}', '{{{b}}}', '{{!-- }} --}}']);
    expect(splitTags('{{a')).toBeNull();
    expect(splitTags('x{{a}}')).toBeNull();
  });
});

describe('keeping the structure', () => {
  const { tags } = skeletonOf('{{#if a}}{{x}}{{else}}{{y}}{{/if}}{{#each l}}{{z}}{{/each}}');
  const all = tags.map((_, i) => i);

  it('holds for the tags as they were, and with expressions or whole blocks left out', () => {
    expect(keepsStructure(tags, all, true)).toBe(true);
    expect(keepsStructure(tags, [0, 2, 4, 5, 6, 7], false)).toBe(true);
    expect(keepsStructure(tags, [5, 6, 7], false)).toBe(true);
    expect(keepsStructure(tags, [0, 1, 1, 2, 3, 4], false)).toBe(true);
  });

  it('fails for a block cut in part, blocks reordered, or an expression moved into another block', () => {
    expect(keepsStructure(tags, [0, 1, 4], false)).toBe(false);
    expect(keepsStructure(tags, [5, 7, 0, 2, 4], false)).toBe(false);
    expect(keepsStructure(tags, [0, 6, 2, 4], false)).toBe(false);
    expect(keepsStructure(tags, [0, 1, 2, 4], true)).toBe(false);
  });

  it('reads tokens back in order', () => {
    expect(tokensIn(skeletonOf('{{a}}x{{b}}').text)).toEqual([0, 1]);
  });
});
