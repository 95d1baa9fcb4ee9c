import { type CompiledTemplate, compileTemplate, type TemplateSource } from './compile-template.ts';
import { type RenderedTemplate, type RenderOptions, renderTemplate } from './render-template.ts';
import type { TemplateIssue } from './template-issue.ts';

/** Helpers for the template tests: compile or render, failing the test with the issues when that fails. */

export function compiled(source: Partial<TemplateSource>): CompiledTemplate {
  const result = compileTemplate({ subject: 'Subject', html: '<p>Hi</p>', ...source });
  if (!result.ok) throw new Error(`expected the template to compile: ${JSON.stringify(result.errors)}`);
  return result.template;
}

export function compileErrors(source: Partial<TemplateSource>): TemplateIssue[] {
  const result = compileTemplate({ subject: 'Subject', html: '<p>Hi</p>', ...source });
  if (result.ok) throw new Error('expected the template to be refused');
  return result.errors;
}

export function rendered(source: Partial<TemplateSource> | CompiledTemplate, variables: unknown = {}, options?: RenderOptions): RenderedTemplate {
  const template = 'preflight' in source ? source : compiled(source);
  const result = renderTemplate(template, variables, options);
  if (!result.ok) throw new Error(`expected the template to render: ${JSON.stringify(result.errors)}`);
  return result.rendered;
}

export function renderErrors(source: Partial<TemplateSource> | CompiledTemplate, variables: unknown = {}, options?: RenderOptions): TemplateIssue[] {
  const template = 'preflight' in source ? source : compiled(source);
  const result = renderTemplate(template, variables, options);
  if (result.ok) throw new Error(`expected the render to be refused, got ${JSON.stringify(result.rendered)}`);
  return result.errors;
}

/** The HTML of a body template rendered alone. */
export const htmlOf = (html: string, variables: unknown = {}, options?: RenderOptions): string => rendered({ html }, variables, options).html;
