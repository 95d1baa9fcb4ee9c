import Handlebars from 'handlebars';
import { checkTemplate } from './check-template.ts';
import { planText, type TextPlan } from './generate-text.ts';
import { compileChecked, type Render } from './handlebars-env.ts';
import { type CssPlan, planCss } from './inline-css.ts';
import { joinLayout } from './join-layout.ts';
import { parseTemplate } from './parse-template.ts';
import type { PreflightField } from './render-preflight.ts';
import type { TemplateField, TemplateIssue } from './template-issue.ts';
import { TEMPLATE_LIMITS } from './template-limits.ts';
import { restore, skeletonize } from './template-skeleton.ts';

/** A template as stored: a subject, an HTML body, an optional text body, each a template; optionally the HTML of its layout. */
export interface TemplateSource {
  subject: string;
  html: string;
  text?: string | null;
  /** The layout's HTML, holding {{{@content}}} once where the template's HTML goes. */
  layoutHtml?: string | null;
}

/** A template ready to render any number of messages: compile once per version and process (template-cache.ts). */
export interface CompiledTemplate {
  readonly subject: Render;
  readonly html: Render;
  /** The text template (the template's own, or generated from the HTML), or null to convert each rendered HTML. */
  readonly text: Render | null;
  readonly textSource: 'template' | 'generated' | 'per-render';
  /** Whether the HTML's CSS was inlined into the template, must be inlined into each message, or there is none. */
  readonly css: CssPlan['mode'];
  /** Why something is done per message rather than once (each costs a fraction of a millisecond to a millisecond a message). */
  readonly notes: readonly string[];
  /** What a render walks first with its variables (render-preflight.ts). */
  readonly preflight: readonly PreflightField[];
}

export type CompileResult = { ok: true; template: CompiledTemplate } | { ok: false; errors: TemplateIssue[] };

/**
 * Validates and compiles a template. Every problem is reported at once, each naming the field
 * ('subject', 'html', 'text', 'layout') and, for syntax and rule errors, the line and column: a field
 * over 512 KB of UTF-8, a syntax error, anything Herald's templates may not do (check-template.ts),
 * a layout without exactly one {{{@content}}}. Then the HTML is joined to its layout, its CSS inlined
 * and its text template made, once (see inline-css.ts and generate-text.ts for when either must wait
 * for each message instead).
 */
export function compileTemplate(source: TemplateSource): CompileResult {
  const fields: [TemplateField, string | null | undefined][] = [
    ['subject', source.subject],
    ['html', source.html],
    ['text', source.text],
    ['layout', source.layoutHtml],
  ];
  const errors: TemplateIssue[] = [];
  const parsed = new Map<TemplateField, { source: string; ast: hbs.AST.Program; placeholder?: hbs.AST.MustacheStatement }>();
  for (const [field, text] of fields) {
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string') {
      errors.push({ field, message: 'must be a string' });
      continue;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > TEMPLATE_LIMITS.maxFieldBytes) {
      errors.push({ field, message: `is ${bytes} bytes; a template field may be at most ${TEMPLATE_LIMITS.maxFieldBytes} bytes (512 KB) of UTF-8` });
      continue;
    }
    const tags = countTags(text);
    if (tags > TEMPLATE_LIMITS.maxTagsPerField) {
      errors.push({ field, message: `holds ${tags} tags ({{…}}); a template field may hold at most ${TEMPLATE_LIMITS.maxTagsPerField}` });
      continue;
    }
    const result = parseTemplate(text, field);
    if (!result.ok) {
      errors.push(result.issue);
      continue;
    }
    const checked = checkTemplate(result.ast, field);
    errors.push(...checked.issues);
    parsed.set(field, { source: text, ast: result.ast, placeholder: checked.placeholder });
  }
  if (errors.length > 0) return { ok: false, errors };

  const subject = parsed.get('subject') as { source: string; ast: hbs.AST.Program };
  const content = parsed.get('html') as { source: string; ast: hbs.AST.Program };
  const layout = parsed.get('layout');
  const explicitText = parsed.get('text');
  let html = content;
  if (layout?.placeholder) {
    const joined = joinLayout(layout.source, layout.ast, layout.placeholder, content.source, content.ast);
    if (!joined.ok) return { ok: false, errors: [joined.issue] };
    html = joined;
  }

  const notes: string[] = [];
  const skeleton = skeletonize(html.source, html.ast);
  let css: CssPlan;
  let text: TextPlan | { mode: 'template'; source: string };
  try {
    css = planCss(html.source, skeleton);
    text = explicitText ? { mode: 'template', source: explicitText.source } : planText(skeleton, css.mode === 'compiled' ? css.html : null);
  } catch (err) {
    // juice, cheerio and html-to-text walk the HTML recursively: thousands of nested elements overflow the stack
    if (!(err instanceof RangeError)) throw err;
    return { ok: false, errors: [{ field: layout ? 'layout' : 'html', message: 'the HTML is nested too deeply to be processed (thousands of elements inside one another)' }] };
  }
  if (css.mode === 'per-render') notes.push(`CSS is inlined into each message: ${css.reason}`);
  if (text.mode === 'per-render') notes.push(`the text part is made from each message's HTML: ${text.reason}`);
  const htmlSource = css.mode === 'compiled' && skeleton ? restore(css.html, skeleton.tags) : html.source;

  const compiled = {
    subject: compileField('subject', subject.source, false),
    html: compileField(layout ? 'layout' : 'html', htmlSource, true),
    text: text.mode === 'per-render' ? null : compileField('text', text.source, false, text.mode === 'generated'),
  };
  if (text.mode === 'generated' && compiled.text && 'field' in compiled.text) {
    // a generated text template is Herald's, not the sender's: the text part is then made per message
    text = { mode: 'per-render', reason: 'the generated text template did not compile' };
    notes.push(`the text part is made from each message's HTML: ${text.reason}`);
    compiled.text = null;
  }
  const failed = Object.values(compiled).filter((c): c is TemplateIssue => c !== null && 'field' in c);
  if (failed.length > 0) return { ok: false, errors: failed };
  const template: CompiledTemplate = {
    subject: compiled.subject as Render,
    html: compiled.html as Render,
    text: compiled.text as Render | null,
    textSource: text.mode,
    css: css.mode,
    notes,
    preflight: [
      { field: 'subject', ast: subject.ast },
      { field: 'html', ast: content.ast },
      ...(layout ? [{ field: 'layout' as const, ast: layout.ast }] : []),
      ...(explicitText ? [{ field: 'text' as const, ast: explicitText.ast }] : []),
    ],
  };
  return { ok: true, template };
}

/** The "{{" in a text, counted before it is parsed (parsing and compiling cost grows with them). */
function countTags(text: string): number {
  let count = 0;
  for (let at = text.indexOf('{{'); at >= 0; at = text.indexOf('{{', at + 2)) count++;
  return count;
}

/** A checked template compiled, or, should Handlebars refuse one the checks passed (a gap in them), the issue. */
function compileField(field: TemplateField, source: string, escape: boolean, generated = false): Render | TemplateIssue {
  try {
    return compileChecked(source, escape, generated);
  } catch (err) {
    return { field, message: `could not be compiled: ${err instanceof Error || err instanceof Handlebars.Exception ? err.message : String(err)}` };
  }
}
