import { compileTemplate } from './compile-template.ts';
import type { TemplateIssue } from './template-issue.ts';
import { variablesProblems } from './validate-variables.ts';

/** 'template': sendable; 'layout': wraps templates' HTML where it holds {{{@content}}}. */
export type TemplateKind = 'template' | 'layout';

/** What one version holds. A layout has HTML only (its subject is '' and its text null). */
export interface TemplateContent {
  subject: string;
  html: string;
  text: string | null;
  /** Variables for previews (the render endpoint's default); never used when sending. */
  sampleVariables: Record<string, unknown> | null;
}

/**
 * Everything wrong with a version's content, checked when it is saved so that a broken template is
 * refused then rather than when a message is sent: each field compiled (syntax with line and column,
 * 512 KB, the rules of the language), a template's HTML joined to its layout's (the layout's
 * published HTML, when it has one), a layout's HTML holding {{{@content}}} once, the sample variables
 * what variables may be. Field names are the request's: 'subject', 'html', 'text', 'sample_variables'.
 */
export function contentIssues(kind: TemplateKind, content: TemplateContent, layoutHtml: string | null): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  if (kind === 'layout') {
    if (content.subject !== '') issues.push({ field: 'subject', message: 'a layout has no subject: it wraps the HTML of the templates that name it' });
    if (content.text !== null) issues.push({ field: 'text', message: 'a layout has no text part: it wraps the HTML of the templates that name it' });
    const compiled = compileTemplate({ subject: '', html: '', layoutHtml: content.html });
    // the layout's HTML is checked as a layout, and reported under the field the request gave it in
    if (!compiled.ok) issues.push(...compiled.errors.map((e) => (e.field === 'layout' ? { ...e, field: 'html' } : e)));
  } else {
    const compiled = compileTemplate({ subject: content.subject, html: content.html, text: content.text, layoutHtml });
    if (!compiled.ok) issues.push(...compiled.errors.map((e) => (e.field === 'layout' ? { ...e, message: `joined to its layout: ${e.message}` } : e)));
  }
  if (content.sampleVariables !== null) {
    issues.push(...variablesProblems(content.sampleVariables).map((p) => ({ ...p, field: p.field.replace(/^variables/, 'sample_variables') })));
  }
  return issues;
}
