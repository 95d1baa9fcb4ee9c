import { LINE_BREAK } from '../intake/message-rules.ts';
import type { CompiledTemplate } from './compile-template.ts';
import { finishText } from './generate-text.ts';
import { htmlToText } from './html-text-converter.ts';
import { inlineCss } from './inline-css.ts';
import { preflight } from './render-preflight.ts';
import type { TemplateIssue } from './template-issue.ts';
import { TEMPLATE_LIMITS } from './template-limits.ts';
import { variablesProblems } from './validate-variables.ts';

export interface RenderOptions {
  /** Print missing variables as nothing instead of refusing the render (a per-send choice). */
  allowMissing?: boolean;
}

export interface RenderedTemplate {
  subject: string;
  /** With the CSS inlined. */
  html: string;
  text: string;
}

export type RenderResult = { ok: true; rendered: RenderedTemplate } | { ok: false; errors: TemplateIssue[] };

/**
 * Renders a compiled template with one message's variables: the subject, the HTML (CSS inlined)
 * and the text part (the template's own, or made from the HTML). Refused, with every problem at
 * once and nothing rendered: variables that are not a JSON object within the limits, missing
 * variables (unless allowMissing), helper arguments the helpers refuse, a line break printed into
 * the subject, a subject over 998 characters, a render too large to run.
 */
export function renderTemplate(template: CompiledTemplate, variables: unknown, options: RenderOptions = {}): RenderResult {
  const invalid = variablesProblems(variables);
  if (invalid.length > 0) return { ok: false, errors: invalid };
  const vars = variables as Record<string, unknown>;
  const problems = preflight(template.preflight, vars, options.allowMissing === true);
  if (problems.length > 0) return { ok: false, errors: problems };

  let subject: string;
  let html: string;
  let text: string;
  try {
    subject = template.subject(vars);
    html = template.html(vars);
    if (template.css === 'per-render') html = inlineCss(html);
    text = template.text ? template.text(vars) : htmlToText(html);
  } catch (err) {
    // HTML printed with {{{ }}} nested thousands deep overflows the HTML tools' recursion; anything else is
    // a gap in the preflight (which checks what the helpers check), reported rather than thrown
    const why = err instanceof RangeError ? 'the HTML it makes is nested too deeply to be processed' : err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [{ field: 'variables', message: `the template could not be rendered with these variables: ${why}` }] };
  }
  // the preflight names the variable; this is the wall behind it, whatever printed the line break
  if (LINE_BREAK.test(subject)) return { ok: false, errors: [{ field: 'subject', message: 'the rendered subject contains a line break' }] };
  if (subject.length > TEMPLATE_LIMITS.maxSubjectChars) {
    return { ok: false, errors: [{ field: 'subject', message: `the rendered subject is ${subject.length} characters; at most ${TEMPLATE_LIMITS.maxSubjectChars} are allowed` }] };
  }
  return { ok: true, rendered: { subject, html, text: template.textSource === 'template' ? text : finishText(text) } };
}
