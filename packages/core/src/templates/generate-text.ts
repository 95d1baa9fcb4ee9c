import Handlebars from 'handlebars';
import juice from 'juice';
import { registerInternalHelper } from './handlebars-env.ts';
import { printedValue } from './hbs-ast.ts';
import { htmlToText } from './html-text-converter.ts';
import { JUICE_OPTIONS } from './inline-css.ts';
import { hasBrokenTokens, keepsStructure, restore, type Skeleton, type SkeletonTag, skeletonize, tokensIn } from './template-skeleton.ts';

/**
 * How a template's text part is made when it has none of its own: 'generated' once, at compile
 * time, as a text template (html-to-text on the HTML's skeleton, the expressions kept), so each
 * message costs a Handlebars render; or 'per-render', html-to-text on each rendered HTML (a few
 * hundred microseconds for a 5 KB message), when the generated template would not mean what the
 * HTML means.
 */
export type TextPlan = { mode: 'generated'; source: string } | { mode: 'per-render'; reason: string };

/** What {{{html}}} becomes in a generated text template: that HTML as text, converted per message. */
const HTML_AS_TEXT = 'herald_html_as_text';
registerInternalHelper(HTML_AS_TEXT, (value) => htmlToText(printedValue(value)));

/**
 * The text template of an HTML template. `inlined`: the skeleton with the CSS already inlined (so that
 * what CSS hides, a preheader, is left out), or null to inline it here for this purpose only.
 */
export function planText(skeleton: Skeleton | null, inlined: string | null): TextPlan {
  if (!skeleton) return { mode: 'per-render', reason: 'the template could not be read without its expressions' };
  const html = inlined ?? inlineForText(skeleton.text);
  const text = htmlToText(html, { readable: (s) => restore(s, skeleton.tags) });
  const sequence = tokensIn(text);
  if (hasBrokenTokens(text) || !keepsStructure(skeleton.tags, sequence, false)) {
    return { mode: 'per-render', reason: 'the text would not keep the blocks of the HTML (a block around part of an element?)' };
  }
  const expected = sequence.map((i) => textTag(skeleton.tags[i] as SkeletonTag));
  const source = restore(tidy(text, skeleton.tags), skeleton.tags, textTag);
  // the converter decodes entities: "&#123;&#123;" in the HTML would be a new tag in the text
  const reread = parsedTags(source);
  if (!reread || reread.length !== expected.length || reread.some((tag, i) => tag !== expected[i])) {
    return { mode: 'per-render', reason: 'the text would read differently as a template (braces written as entities?)' };
  }
  return { mode: 'generated', source };
}

/** A tag as the text template writes it: HTML printed with {{{ }}} goes through html-to-text. */
function textTag(tag: SkeletonTag): string {
  if (tag.kind !== 'raw' || !tag.expression) return tag.source;
  const { text, hasArguments } = tag.expression;
  return `{{${HTML_AS_TEXT} ${hasArguments ? `(${text})` : text}}}`;
}

function inlineForText(html: string): string {
  try {
    return /<style[\s>]/i.test(html) ? juice(html, JUICE_OPTIONS) : html;
  } catch {
    return html;
  }
}

function parsedTags(source: string): string[] | null {
  try {
    return skeletonize(source, Handlebars.parse(source))?.tags.map((t) => t.source) ?? null;
  } catch {
    return null;
  }
}

/**
 * A block's tags stand where words stood, spaced like words: "Dear {{#if vip}} valued {{/if}} customer"
 * would print "Dear  customer", where the HTML collapses to one space. A block tag after a space (or
 * at the start of a line) takes the space after it with it, so that a block printing nothing leaves
 * one space, and one printing something leaves its words spaced once.
 */
function tidy(text: string, tags: readonly SkeletonTag[]): string {
  return text.replace(/\uE000(\d+)\uE001 /g, (whole, index: string, offset: number) => {
    const kind = tags[Number(index)]?.kind;
    const spaced = offset === 0 || text[offset - 1] === ' ' || text[offset - 1] === '\n';
    return spaced && (kind === 'open' || kind === 'else' || kind === 'close') ? whole.slice(0, -1) : whole;
  });
}

/**
 * The finishing of a text part made from HTML: what blocks that printed nothing leave behind (spaces
 * at the end of a line, runs of blank lines, blank lines at either end) removed, as html-to-text would
 * not have written them. Line by line, in linear time: a pattern such as /[ \t]+\n/ backtracks over a
 * long run of spaces from a variable in quadratic time (64 KB of spaces: 3.5 s).
 */
export function finishText(text: string): string {
  let out = '';
  let blankLines = 0;
  for (const line of text.split('\n')) {
    let end = line.length;
    while (end > 0 && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
    if (end === 0) {
      blankLines++;
      continue;
    }
    if (out !== '') out += blankLines > 0 ? '\n\n' : '\n';
    blankLines = 0;
    out += end === line.length ? line : line.slice(0, end);
  }
  return out;
}
