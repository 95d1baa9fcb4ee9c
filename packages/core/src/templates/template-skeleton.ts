import { contentOriginal, sourceOffsets } from './hbs-ast.ts';

/**
 * A template's text with every Handlebars tag ({{name}}, {{#each}}, {{else}}, {{/each}}, comments)
 * replaced by an opaque token: what the HTML tools (juice, html-to-text) can work on once, when the
 * template is compiled, instead of on every rendered message. The tokens are two private-use
 * characters around a number: text to an HTML parser, a word to html-to-text, safe as an attribute
 * value or even an attribute name, and never changed by lower-casing.
 *
 * The tags are found from the parsed template, not by a pattern: everything between two pieces of
 * content is tags, and the scanner below only splits such a run into its tags.
 */

export type TagKind = 'open' | 'else' | 'close' | 'mustache' | 'raw' | 'comment';

export interface SkeletonTag {
  /** The tag as written in the template. */
  source: string;
  kind: TagKind;
  /** For open, else and close: the block's number, in order of opening. */
  block: number;
  /** The block part this tag sits in (-1: the top level); for open, else and close the part around the block. */
  part: number;
  /** For open and else: the part it begins. */
  begins: number;
  /** For raw tags ({{{x}}}, {{&x}}): the expression inside, and whether it has arguments. */
  expression?: { text: string; hasArguments: boolean };
}

export interface Skeleton {
  text: string;
  tags: SkeletonTag[];
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
const TOKEN = /\uE000(\d+)\uE001/g;

export const tokenFor = (index: number): string => `${OPEN}${index}${CLOSE}`;

/**
 * The skeleton of a parsed template, or null when it cannot be made exactly (the text already holds
 * the token characters, or the parser's positions do not match the text): callers then work on each
 * rendered message instead.
 */
export function skeletonize(source: string, ast: hbs.AST.Program): Skeleton | null {
  if (source.includes(OPEN) || source.includes(CLOSE)) return null;
  const offset = sourceOffsets(source);
  const contents: { start: number; end: number; original: string }[] = [];
  const raws = new Map<number, hbs.AST.MustacheStatement>();
  collect(ast, (node) => {
    const start = offset(node.loc.start);
    if (node.type === 'ContentStatement') contents.push({ start, end: offset(node.loc.end), original: contentOriginal(node as hbs.AST.ContentStatement) });
    else if (node.type === 'MustacheStatement' && !(node as hbs.AST.MustacheStatement).escaped) raws.set(start, node as hbs.AST.MustacheStatement);
  });
  contents.sort((a, b) => a.start - b.start);

  let text = '';
  const tagSources: { source: string; at: number }[] = [];
  let position = 0;
  for (const content of [...contents, { start: source.length, end: source.length, original: '' }]) {
    const gap = source.slice(position, content.start);
    const tags = splitTags(gap);
    const written = source.slice(content.start, content.end);
    // a backslash that escapes the "{{" after it belongs to the content's text but not to its value
    if (!tags || content.start < position || (written !== content.original && written !== `${content.original}\\`)) return null;
    let at = position;
    for (const tag of tags) {
      text += tokenFor(tagSources.length);
      tagSources.push({ source: tag, at });
      at += tag.length;
    }
    text += written;
    position = content.end;
  }
  const tags = classify(tagSources, raws);
  return tags ? { text, tags } : null;
}

/** The text with each token replaced by its tag, or by what `replace` makes of it. */
export function restore(text: string, tags: readonly SkeletonTag[], replace?: (tag: SkeletonTag) => string): string {
  return text.replace(TOKEN, (_, index: string) => {
    const tag = tags[Number(index)] as SkeletonTag;
    return replace ? replace(tag) : tag.source;
  });
}

/** The tags a text holds, by index, in order. */
export function tokensIn(text: string): number[] {
  return Array.from(text.matchAll(TOKEN), (m) => Number(m[1]));
}

/** Whether the text holds a token character outside a whole token (a tool cut one in two). */
export function hasBrokenTokens(text: string): boolean {
  const rest = text.replace(TOKEN, '');
  return rest.includes(OPEN) || rest.includes(CLOSE);
}

/**
 * Whether a sequence of tags (what a tool left of a skeleton) still means what the template meant:
 * every block whole (its open, else and close tags each once, in their order) or gone entirely, and
 * every other tag inside the same block part as before. Tags other than blocks may be dropped or
 * repeated (an attribute's value left out, a link's address written twice) unless `exact`, which
 * asks for every tag once, in order.
 */
export function keepsStructure(tags: readonly SkeletonTag[], sequence: readonly number[], exact: boolean): boolean {
  if (exact) return sequence.length === tags.length && sequence.every((index, i) => index === i);
  const seen = new Map<number, number>();
  let lastBlockTag = -1;
  const parts: { block: number; part: number }[] = [];
  const currentPart = () => parts.at(-1)?.part ?? -1;
  for (const index of sequence) {
    const tag = tags[index];
    if (!tag) return false;
    if (tag.kind === 'open' || tag.kind === 'else' || tag.kind === 'close') {
      if (index <= lastBlockTag) return false;
      lastBlockTag = index;
      seen.set(tag.block, (seen.get(tag.block) ?? 0) + 1);
      if (tag.kind === 'open') {
        if (tag.part !== currentPart()) return false;
        parts.push({ block: tag.block, part: tag.begins });
      } else {
        const top = parts.at(-1);
        if (!top || top.block !== tag.block) return false;
        if (tag.kind === 'else') top.part = tag.begins;
        else parts.pop();
      }
    } else if (tag.part !== currentPart()) return false;
  }
  if (parts.length > 0) return false;
  const tagsOfBlock = new Map<number, number>();
  for (const tag of tags) if (tag.block >= 0) tagsOfBlock.set(tag.block, (tagsOfBlock.get(tag.block) ?? 0) + 1);
  return [...seen].every(([block, count]) => count === tagsOfBlock.get(block));
}

function collect(program: hbs.AST.Program, visit: (node: hbs.AST.Node) => void): void {
  for (const statement of program.body) {
    visit(statement);
    if (statement.type === 'BlockStatement') {
      const block = statement as hbs.AST.BlockStatement;
      if (block.program) collect(block.program, visit);
      if (block.inverse) collect(block.inverse, visit);
    }
  }
}

/**
 * Splits a run of tags into its tags, or null when it is not one. The ends: "--}}" for {{!-- --}}
 * comments (the first "--" may be the opening one, as Handlebars' lexer reads it), the first "}}"
 * for {{! }} comments, "}}}" for {{{ }}}, else "}}" outside string literals and [bracketed] segments.
 */
export function splitTags(run: string): string[] | null {
  const tags: string[] = [];
  let i = 0;
  while (i < run.length) {
    if (!run.startsWith('{{', i)) return null;
    const head = run.slice(i + 2, i + 6).replace(/^~/, '');
    let end: number;
    if (head.startsWith('!--')) end = endOf(run, /--~?\}\}/y, i + 2, true);
    else if (head.startsWith('!')) end = endOf(run, /\}\}/y, i + 2, true);
    else end = endOf(run, head.startsWith('{') ? /\}~?\}\}/y : /~?\}\}/y, i + 2, false);
    if (end < 0) return null;
    tags.push(run.slice(i, end));
    i = end;
  }
  return tags;
}

/** The offset just past the first match of `close` from `from`, skipping quoted strings and [segments] unless `plain`. */
function endOf(text: string, close: RegExp, from: number, plain: boolean): number {
  for (let i = from; i < text.length; i++) {
    close.lastIndex = i;
    const match = close.exec(text);
    if (match) return i + match[0].length;
    const c = text[i];
    if (plain || (c !== '"' && c !== "'" && c !== '[')) continue;
    const closing = c === '[' ? ']' : c;
    // Handlebars' lexer lets a backslash escape the closing quote or bracket
    let j = i + 1;
    while (j < text.length && !(text[j] === closing && text[j - 1] !== '\\')) j++;
    if (j >= text.length) return -1;
    i = j;
  }
  return -1;
}

function kindOf(tag: string): TagKind {
  const inner = tag.slice(2).replace(/^~/, '');
  if (inner.startsWith('!')) return 'comment';
  if (inner.startsWith('#')) return 'open';
  if (inner.startsWith('/')) return 'close';
  if (/^\^\s*~?\}\}$/.test(inner) || /^\s*else(?=[\s~}])/.test(inner)) return 'else';
  if (inner.startsWith('^')) return 'open';
  if (inner.startsWith('{') || inner.startsWith('&')) return 'raw';
  return 'mustache';
}

/** Kinds, block numbers and parts, from the tags in order; null if the blocks do not nest (they always do in a parsed template). */
function classify(found: readonly { source: string; at: number }[], raws: ReadonlyMap<number, hbs.AST.MustacheStatement>): SkeletonTag[] | null {
  const tags: SkeletonTag[] = [];
  const open: { block: number; part: number; outer: number }[] = [];
  let blocks = 0;
  let parts = 0;
  for (const { source, at } of found) {
    const kind = kindOf(source);
    const top = open.at(-1);
    const here = top?.part ?? -1;
    if (kind === 'open') {
      const tag = { source, kind, block: blocks++, part: here, begins: parts++ };
      open.push({ block: tag.block, part: tag.begins, outer: here });
      tags.push(tag);
    } else if (kind === 'else' || kind === 'close') {
      if (!top) return null;
      const tag = { source, kind, block: top.block, part: top.outer, begins: kind === 'else' ? parts++ : -1 };
      if (kind === 'else') top.part = tag.begins;
      else open.pop();
      tags.push(tag);
    } else {
      const node = kind === 'raw' ? raws.get(at) : undefined;
      const expression = node ? { text: rawExpression(source), hasArguments: node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0 } : undefined;
      if (kind === 'raw' && !expression) return null;
      tags.push({ source, kind, block: -1, part: here, begins: -1, ...(expression ? { expression } : {}) });
    }
  }
  return open.length === 0 ? tags : null;
}

/** "user.bio" from "{{{ user.bio }}}", "{{~{user.bio}~}}" or "{{& user.bio}}". */
function rawExpression(tag: string): string {
  return tag
    .replace(/^\{\{~?(?:\{|&)/, '')
    .replace(/\}?~?\}\}$/, '')
    .trim();
}
