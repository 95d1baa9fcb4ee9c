export { compileTemplate, type CompiledTemplate, type CompileResult, type TemplateSource } from './compile-template.ts';
export { renderTemplate, type RenderedTemplate, type RenderOptions, type RenderResult } from './render-template.ts';
export { TemplateCache, templateCache, templateCacheKey } from './template-cache.ts';
export { variablesProblems } from './validate-variables.ts';
export { templateValidationError, type TemplateIssue, type TemplateField } from './template-issue.ts';
export { TEMPLATE_LIMITS } from './template-limits.ts';
export { DATE_STYLES } from './format-date.ts';
export { NUMBER_STYLES } from './format-number.ts';
export * from './store.ts';
