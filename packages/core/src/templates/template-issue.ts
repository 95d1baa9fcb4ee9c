import { type ErrorDetail, HeraldError } from '../errors/registry.ts';

/**
 * One thing wrong with a template or with the variables of a render. `field` is where it is:
 * 'subject', 'html', 'text' or 'layout' for the template's own text (with the line and column, both
 * counted from 1), 'variables.<path>' for a variable ('variables.items.2.price').
 */
export interface TemplateIssue extends ErrorDetail {
  line?: number;
  column?: number;
}

export type TemplateField = 'subject' | 'html' | 'text' | 'layout';

/** A source position as Handlebars gives it (line from 1, column from 0). */
export interface SourcePosition {
  line: number;
  column: number;
}

/** An issue at a place in a template: "line 3, column 7: …" in the message too, for clients that show only it. */
export function issueAt(field: TemplateField, at: SourcePosition | undefined, message: string): TemplateIssue {
  if (!at) return { field, message };
  const column = at.column + 1;
  return { field, message: `line ${at.line}, column ${column}: ${message}`, line: at.line, column };
}

/** The issues as the API's 400: HeraldError('validation_failed') with one detail per issue. */
export function templateValidationError(issues: TemplateIssue[], summary = 'The template or its variables are not valid'): HeraldError {
  const first = issues.slice(0, 3).map((i) => `${i.field}: ${i.message}`).join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new HeraldError('validation_failed', `${summary}: ${first}${more}`, issues);
}
