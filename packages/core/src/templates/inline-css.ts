import { load } from 'cheerio';
import juice from 'juice';
import { readStartTag, rewriteStartTag } from './start-tag.ts';
import { hasBrokenTokens, keepsStructure, type Skeleton, tokensIn } from './template-skeleton.ts';

/**
 * How juice inlines: the rules of every <style> block become style attributes (and width, height,
 * bgcolor, align, valign where mail clients read those); what cannot be inlined (media queries,
 * @font-face, @keyframes, :hover and other pseudo-classes) stays in its <style> block, which is
 * removed when nothing is left in it; !important is dropped from inlined declarations (an inline
 * style already wins). Only the synchronous juice() and juiceDocument() are used: they never read a
 * file or fetch a URL (<link rel="stylesheet"> and @import are left alone); juiceResources, which
 * would, is not.
 */
export const JUICE_OPTIONS: juice.Options = Object.freeze({
  applyStyleTags: true,
  removeStyleTags: true,
  preserveMediaQueries: true,
  preserveFontFaces: true,
  preserveKeyFrames: true,
  preservePseudos: true,
  insertPreservedExtraCss: false,
  applyWidthAttributes: true,
  applyHeightAttributes: true,
  applyAttributesTableElements: true,
  inlinePseudoElements: false,
  resolveCSSVariables: true,
  preserveImportant: false,
  xmlMode: false,
});

/**
 * When the CSS of a template is inlined: 'none' (no <style> block), 'compiled' (once, into the
 * template: each message costs nothing more), or 'per-render' (juice on every rendered message, about
 * a millisecond each: for what cannot be done once, said in `reason`).
 */
export type CssPlan = { mode: 'none' } | { mode: 'compiled'; html: string } | { mode: 'per-render'; reason: string };

const HAS_STYLE = /<style[\s>]/i;

/** Inlines the CSS of a rendered message. */
export function inlineCss(html: string): string {
  return HAS_STYLE.test(html) ? juice(html, JUICE_OPTIONS) : html;
}

interface DomNode {
  type: string;
  name?: string;
  attribs?: Record<string, string>;
  parent: DomNode | null;
  children?: DomNode[];
  data?: string;
  startIndex: number | null;
  endIndex: number | null;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Inlines a template's CSS once, into the template itself: juice works on its skeleton (every
 * Handlebars tag an opaque token, see template-skeleton.ts) and what it changed — style and
 * presentational attributes of start tags, the <style> blocks — is written back into the template at
 * the places the parser reported, leaving every other byte as it was. Rules are matched against the
 * template as written, where each {{expression}} is opaque text and the content of each block
 * appears once: a class that comes from a variable, or HTML printed with {{{ }}}, is not matched, and
 * :first-child or :nth-child see the template's elements, not the rows a loop makes.
 *
 * Falls back to inlining each rendered message when the template cannot be inlined once exactly:
 * expressions inside a <style> block (a colour from a variable), a start tag juice must change whose
 * attributes sit inside a block ({{#if}} around an attribute), or a result whose tags moved.
 */
export function planCss(html: string, skeleton: Skeleton | null): CssPlan {
  if (!HAS_STYLE.test(html)) return { mode: 'none' };
  if (!skeleton) return { mode: 'per-render', reason: 'the template could not be read without its expressions' };
  const source = skeleton.text;
  const $ = load(source, { xml: { xmlMode: false, decodeEntities: false, withStartIndices: true, withEndIndices: true } });
  const elements = $('*').toArray() as unknown as DomNode[];
  const styles = elements.filter((e) => e.name === 'style');
  if (styles.some((style) => tokensIn($(style as never).text()).length > 0)) {
    return { mode: 'per-render', reason: 'a <style> block holds expressions' };
  }
  const before = new Map(elements.map((e) => [e, { ...e.attribs }]));
  const styleTexts = new Map(styles.map((s) => [s, s.children?.[0]?.data]));
  juice.juiceDocument($, JUICE_OPTIONS);

  const edits: Edit[] = [];
  for (const element of elements) {
    if (element.startIndex === null || element.endIndex === null) return { mode: 'per-render', reason: 'the parser lost track of an element' };
    if (element.name === 'style' && !isAttached(element)) {
      edits.push({ start: element.startIndex, end: element.endIndex + 1, text: '' });
      continue;
    }
    const edit = element.name === 'style' ? styleTextEdit(element, styleTexts.get(element)) : null;
    if (edit) edits.push(edit);
    const was = before.get(element) ?? {};
    const now = element.attribs ?? {};
    if (sameAttributes(was, now)) continue;
    const tag = readStartTag(source, element.startIndex);
    if (!tag) return { mode: 'per-render', reason: 'a start tag could not be read' };
    const tokens = tokensIn(source.slice(tag.start, tag.end));
    if (tokens.some((t) => skeleton.tags[t]?.kind !== 'mustache')) {
      return { mode: 'per-render', reason: 'an element juice styles has a block or raw expression among its attributes' };
    }
    edits.push({ start: tag.start, end: tag.end, text: rewriteStartTag(source, tag, was, now) });
  }
  const inlined = applyEdits(source, edits);
  if (hasBrokenTokens(inlined) || !keepsStructure(skeleton.tags, tokensIn(inlined), true)) {
    return { mode: 'per-render', reason: 'inlining moved an expression (in a style attribute?)' };
  }
  return { mode: 'compiled', html: inlined };
}

function isAttached(node: DomNode): boolean {
  let n: DomNode | null = node;
  while (n.parent) n = n.parent;
  return n.type === 'root';
}

/** A <style> block juice kept (media queries and the like) with less in it. */
function styleTextEdit(style: DomNode, was: string | undefined): Edit | null {
  const text = style.children?.[0];
  if (!text || text.data === was || text.startIndex === null || text.endIndex === null) return null;
  return { start: text.startIndex, end: text.endIndex + 1, text: text.data ?? '' };
}

function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The text with the edits (which never overlap) made, in one pass: a template can take thousands. */
function applyEdits(text: string, edits: Edit[]): string {
  const parts: string[] = [];
  let position = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    parts.push(text.slice(position, edit.start), edit.text);
    position = edit.end;
  }
  parts.push(text.slice(position));
  return parts.join('');
}
