import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { hasIdShape } from '../ids.ts';
import { afterPosition, keysetPage, newestFirst, rowsToFetch, type KeysetPage, type PageRequest } from '../pagination/keyset.ts';

/*
 * Templates and their versions as a resource, for the API, intake and every later front end. Every
 * query is scoped by project: another project's template id or alias finds nothing and changes nothing.
 * A version belongs to a project through its template.
 */

export type TemplateRow = Prisma.TemplateGetPayload<object>;
export type TemplateVersionRow = Prisma.TemplateVersionGetPayload<object>;

/** A template with the version a read shows: the published one. */
export type TemplateWithVersion = TemplateRow & { version: TemplateVersionRow };

/** How a request names a template: its id (tpl_…) or its alias. */
export type TemplateName = { id: string; alias?: undefined } | { alias: string; id?: undefined };

/** The project's template, or null (also for an id that cannot be one, which is never looked up). */
export function findTemplate(db: Pick<Db, 'template'>, projectId: string, id: string): Promise<TemplateRow | null> {
  if (!hasIdShape('template', id)) return Promise.resolve(null);
  return db.template.findFirst({ where: { id, projectId } });
}

/** The project's templates named by id or alias, in one query. */
export function findTemplatesByName(db: Pick<Db, 'template'>, projectId: string, names: readonly TemplateName[]): Promise<TemplateRow[]> {
  const ids = [...new Set(names.flatMap((n) => (n.id !== undefined && hasIdShape('template', n.id) ? [n.id] : [])))];
  const aliases = [...new Set(names.flatMap((n) => (n.alias !== undefined ? [n.alias] : [])))];
  if (ids.length === 0 && aliases.length === 0) return Promise.resolve([]);
  return db.template.findMany({ where: { projectId, OR: [...(ids.length ? [{ id: { in: ids } }] : []), ...(aliases.length ? [{ alias: { in: aliases } }] : [])] } });
}

/** Versions by (template id, number), in one query; the templates must already be the project's. */
export function findTemplateVersions(db: Pick<Db, 'templateVersion'>, wanted: readonly { templateId: string; number: number }[]): Promise<TemplateVersionRow[]> {
  if (wanted.length === 0) return Promise.resolve([]);
  const unique = [...new Map(wanted.map((w) => [`${w.templateId} ${w.number}`, w])).values()];
  return db.templateVersion.findMany({ where: { OR: unique.map((w) => ({ templateId: w.templateId, number: w.number })) } });
}

/** The project's template with its published version, or null. */
export async function getTemplate(db: Db, projectId: string, id: string): Promise<TemplateWithVersion | null> {
  const template = await findTemplate(db, projectId, id);
  if (!template) return null;
  const version = await db.templateVersion.findUnique({ where: { templateId_number: { templateId: template.id, number: template.publishedVersion } } });
  return version ? { ...template, version } : null;
}

/** The project's templates (and layouts), newest first, one page at a time, each with its published version. */
export async function listTemplates(db: Db, projectId: string, page: PageRequest): Promise<KeysetPage<TemplateWithVersion>> {
  const where: Prisma.TemplateWhereInput = { projectId, ...(page.after ? afterPosition(page.after) : {}) };
  const rows = await db.template.findMany({ where, orderBy: newestFirst(), take: rowsToFetch(page) });
  const split = keysetPage(rows, page.limit);
  const versions = await findTemplateVersions(db, split.items.map((t) => ({ templateId: t.id, number: t.publishedVersion })));
  const byTemplate = new Map(versions.map((v) => [v.templateId, v]));
  return { items: split.items.flatMap((t) => (byTemplate.has(t.id) ? [{ ...t, version: byTemplate.get(t.id) as TemplateVersionRow }] : [])), next: split.next };
}

/**
 * A template's versions, highest number first, one page at a time (the template must be the project's:
 * see findTemplate). Numbers, not creation times, order them: a change that waited for another's lock
 * took its time before the wait. The page's position is that of a version; the next page starts below
 * its number.
 */
export async function listTemplateVersions(db: Db, templateId: string, page: PageRequest): Promise<KeysetPage<TemplateVersionRow>> {
  const after = page.after ? await db.templateVersion.findFirst({ where: { templateId, id: page.after.id }, select: { number: true } }) : null;
  const below = page.after ? (after?.number ?? 0) : undefined;
  const rows = await db.templateVersion.findMany({
    where: { templateId, ...(below !== undefined ? { number: { lt: below } } : {}) },
    orderBy: { number: 'desc' },
    take: rowsToFetch(page),
  });
  return keysetPage(rows, page.limit);
}
