import type { Db } from '../db/client.ts';
import { HeraldError, type ErrorDetail } from '../errors/registry.ts';
import { findTemplatesByName, findTemplateVersions, type TemplateName, type TemplateRow, type TemplateVersionRow } from './queries.ts';
import { renderTemplate, type RenderedTemplate } from './render-template.ts';
import { templateCache, templateCacheKey } from './template-cache.ts';
import { templateValidationError, type TemplateIssue } from './template-issue.ts';

/** A send's template: named by id or alias, at a version (default: the published one), with this message's variables. */
export type TemplateRef = TemplateName & {
  version?: number | undefined;
  variables: unknown;
  /** Print missing variables as nothing instead of refusing the message. */
  allowMissing?: boolean | undefined;
};

/** A template version found for a ref, with the layout version it is wrapped in (the layout's published one). */
export interface ResolvedTemplate {
  template: TemplateRow;
  version: TemplateVersionRow;
  layoutVersion: TemplateVersionRow | null;
}

/** What a render gives a message: its subject, HTML and text, and what it was rendered from. */
export interface RenderedSend extends RenderedTemplate {
  templateId: string;
  templateVersion: number;
  /** The layout version that wrapped the HTML (its published one when the message was rendered). */
  layout: { id: string; version: number } | null;
}

/**
 * Finds the template version each ref names, for the project only, in three queries whatever the
 * number of refs (a batch of 500 naming one template reads it once). `at(i)` is where ref i sits in
 * the request ('template.' for one message, 'messages.3.template.' in a batch). Another project's
 * template, an unknown alias or version: 404 naming each; a layout named as a template: 400.
 */
export async function resolveTemplates(db: Db, projectId: string, refs: readonly TemplateRef[], at: (index: number) => string): Promise<ResolvedTemplate[]> {
  const templates = await findTemplatesByName(db, projectId, refs);
  const byId = new Map(templates.map((t) => [t.id, t]));
  const byAlias = new Map(templates.flatMap((t) => (t.alias !== null ? [[t.alias, t] as const] : [])));
  const missing: ErrorDetail[] = [];
  const invalid: ErrorDetail[] = [];
  const found = refs.map((ref, i) => {
    const template = ref.id !== undefined ? byId.get(ref.id) : byAlias.get(ref.alias);
    if (!template) {
      missing.push(ref.id !== undefined ? { field: `${at(i)}id`, message: `no template ${ref.id} in this project` } : { field: `${at(i)}alias`, message: `no template called ${ref.alias} in this project` });
      return null;
    }
    if (template.kind !== 'template') {
      invalid.push({ field: `${at(i)}${ref.id !== undefined ? 'id' : 'alias'}`, message: 'is a layout: send a template that names it instead' });
      return null;
    }
    const number = ref.version ?? template.publishedVersion;
    if (number < 1 || number > template.latestVersion) {
      missing.push({ field: `${at(i)}version`, message: `template ${template.id} has versions 1 to ${template.latestVersion}` });
      return null;
    }
    return { template, number };
  });
  if (missing.length > 0) throw new HeraldError('not_found', missing.map((d) => `${d.field}: ${d.message}`).join('; '), missing);
  if (invalid.length > 0) throw new HeraldError('validation_failed', invalid.map((d) => `${d.field}: ${d.message}`).join('; '), invalid);

  const layoutIds = [...new Set(found.flatMap((f) => (f?.template.layoutId ? [f.template.layoutId] : [])))];
  const layouts = layoutIds.length > 0 ? await findTemplatesByName(db, projectId, layoutIds.map((id) => ({ id }))) : [];
  const versions = await findTemplateVersions(db, [
    ...found.flatMap((f) => (f ? [{ templateId: f.template.id, number: f.number }] : [])),
    ...layouts.map((l) => ({ templateId: l.id, number: l.publishedVersion })),
  ]);
  const version = (templateId: string, number: number) => versions.find((v) => v.templateId === templateId && v.number === number);
  const publishedLayout = new Map(layouts.map((l) => [l.id, version(l.id, l.publishedVersion) ?? null]));
  return found.map((f) => {
    const { template, number } = f as { template: TemplateRow; number: number };
    const row = version(template.id, number);
    // the template was deleted between the two reads
    if (!row) throw new HeraldError('not_found', `no template ${template.id} in this project`);
    return { template, version: row, layoutVersion: template.layoutId ? (publishedLayout.get(template.layoutId) ?? null) : null };
  });
}

/**
 * Renders one resolved template with a message's variables, compiled once per (version, layout
 * version) in this process (templateCache). The issues name fields under `prefix`
 * ('template.variables.items.2.price', 'messages.3.template.subject').
 */
export function renderResolved(resolved: ResolvedTemplate, variables: unknown, allowMissing: boolean, prefix: string): { ok: true; rendered: RenderedSend } | { ok: false; errors: TemplateIssue[] } {
  const { version, layoutVersion } = resolved;
  const compiled = templateCache.get(templateCacheKey(version.id, layoutVersion?.id), () => ({
    subject: version.subject,
    html: version.html,
    text: version.text,
    layoutHtml: layoutVersion?.html ?? null,
  }));
  // a stored version compiled when it was saved; only a layout published since can break it
  if (!compiled.ok) return { ok: false, errors: compiled.errors.map((e) => ({ ...e, field: `${prefix}${e.field}`, message: `the stored template no longer compiles: ${e.message}` })) };
  const result = renderTemplate(compiled.template, variables, { allowMissing });
  if (!result.ok) return { ok: false, errors: result.errors.map((e) => ({ ...e, field: `${prefix}${e.field}` })) };
  // the subject is stored as text: a NUL printed into it from a variable is refused, not stripped
  if (result.rendered.subject.includes('\0')) return { ok: false, errors: [{ field: `${prefix}subject`, message: 'the rendered subject contains a NUL character' }] };
  const layout = layoutVersion ? { id: layoutVersion.templateId, version: layoutVersion.number } : null;
  return { ok: true, rendered: { ...result.rendered, templateId: resolved.template.id, templateVersion: version.number, layout } };
}

/**
 * Renders each ref (undefined: a message without a template) into its subject, HTML and text: the one
 * step of intake that sends by template, for every front end. Every problem of every message at once
 * (400, or 404 for a template the project does not have); nothing is rendered in part.
 */
export async function renderTemplateRefs(db: Db, projectId: string, refs: readonly (TemplateRef | undefined)[], at: (index: number) => string): Promise<(RenderedSend | undefined)[]> {
  const indexes = refs.flatMap((ref, i) => (ref ? [i] : []));
  if (indexes.length === 0) return refs.map(() => undefined);
  const resolved = await resolveTemplates(db, projectId, indexes.map((i) => refs[i] as TemplateRef), (j) => at(indexes[j] as number));
  const out: (RenderedSend | undefined)[] = refs.map(() => undefined);
  const issues: TemplateIssue[] = [];
  indexes.forEach((i, j) => {
    const ref = refs[i] as TemplateRef;
    const result = renderResolved(resolved[j] as ResolvedTemplate, ref.variables, ref.allowMissing === true, at(i));
    if (result.ok) out[i] = result.rendered;
    else issues.push(...result.errors);
  });
  if (issues.length > 0) throw templateValidationError(issues, 'A template could not be rendered');
  return out;
}

/**
 * What the project's template would send, without sending (previews, tests): its version (default:
 * the published one) rendered with the variables (default: the version's sample variables).
 */
export async function previewTemplate(
  db: Db,
  projectId: string,
  id: string,
  options: { version?: number | undefined; variables?: unknown; allowMissing?: boolean | undefined },
): Promise<RenderedSend> {
  const [resolved] = (await resolveTemplates(db, projectId, [{ id, version: options.version, variables: undefined }], () => '')) as [ResolvedTemplate];
  const variables = options.variables ?? resolved.version.sampleVariables ?? {};
  const result = renderResolved(resolved, variables, options.allowMissing === true, '');
  if (!result.ok) throw templateValidationError(result.errors, 'The template could not be rendered');
  return result.rendered;
}
