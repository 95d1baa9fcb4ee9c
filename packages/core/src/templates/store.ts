export * from './queries.ts';
export * from './template-content.ts';
export * from './template-rules.ts';
export * from './save-template.ts';
export * from './delete-template.ts';
export * from './resolve-template.ts';
