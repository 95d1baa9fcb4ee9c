import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { HeraldError } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { findTemplate, type TemplateWithVersion } from './queries.ts';
import { contentIssues, type TemplateContent, type TemplateKind } from './template-content.ts';
import { templateValidationError } from './template-issue.ts';

export interface NewTemplate {
  kind: TemplateKind;
  name: string;
  alias: string | null;
  /** A layout of the project (kind 'layout'); a layout has none. */
  layoutId: string | null;
  content: TemplateContent;
}

export interface TemplateChanges {
  name?: string | undefined;
  alias?: string | null | undefined;
  layoutId?: string | null | undefined;
  /** Fields given make a new version: the latest version's content with these replaced. */
  content?: Partial<TemplateContent> | undefined;
  /** Whether that new version is published (default true); false keeps it as a draft. */
  publish?: boolean | undefined;
  /** Publishes an existing version (a roll-back, or a draft made earlier). */
  publishVersion?: number | undefined;
}

const CONTENT_FIELDS = ['subject', 'html', 'text', 'sampleVariables'] as const;

/**
 * A new template (or layout) with its first version, published; refused with every problem of its
 * content (contentIssues), its layout (404 when the project has no such layout), its alias taken (409).
 */
export async function createTemplate(db: Db, projectId: string, spec: NewTemplate, now = new Date()): Promise<TemplateWithVersion> {
  const layoutHtml = await layoutHtmlFor(db, projectId, spec.kind, spec.layoutId);
  const issues = contentIssues(spec.kind, spec.content, layoutHtml);
  if (issues.length > 0) throw templateValidationError(issues);
  const id = newId('template', now.getTime());
  const version = { id: newId('templateVersion', now.getTime()), templateId: id, number: 1, ...versionData(spec.content), createdAt: now };
  try {
    const [template, stored] = await db.$transaction([
      db.template.create({
        data: { id, projectId, kind: spec.kind, name: spec.name, alias: spec.alias, layoutId: spec.layoutId, publishedVersion: 1, latestVersion: 1, createdAt: now, updatedAt: now },
      }),
      db.templateVersion.create({ data: version }),
    ]);
    return { ...template, version: stored };
  } catch (err) {
    throw aliasTaken(err, spec.alias);
  }
}

/**
 * Changes a template: its name, alias and layout in place; new content as a new version (numbered
 * after the latest, published unless `publish` is false); or publishes an existing version. Versions
 * are never changed, so a message already accepted keeps what it was rendered with. Concurrent
 * changes are serialised on the template's row. Null when the project has no such template.
 */
export async function updateTemplate(db: Db, projectId: string, id: string, changes: TemplateChanges, now = new Date()): Promise<TemplateWithVersion | null> {
  const current = await findTemplate(db, projectId, id);
  if (!current) return null;
  const kind = current.kind as TemplateKind;
  const layoutId = changes.layoutId !== undefined ? changes.layoutId : current.layoutId;
  const layoutHtml = await layoutHtmlFor(db, projectId, kind, layoutId);
  const content = changes.content ?? {};
  const newContent = CONTENT_FIELDS.some((f) => content[f] !== undefined);
  if (newContent && changes.publishVersion !== undefined) {
    throw new HeraldError('validation_failed', 'published_version: publish an existing version, or give new content, not both', [
      { field: 'published_version', message: 'cannot be given with subject, html, text or sample_variables' },
    ]);
  }
  try {
    return await db.$transaction(async (tx) => {
      // the row lock orders concurrent changes: each new version gets the next number
      const locked = await tx.template.update({ where: { id: current.id }, data: { updatedAt: now, ...(newContent ? { latestVersion: { increment: 1 } } : {}) } });
      let published = changes.publishVersion ?? locked.publishedVersion;
      if (changes.publishVersion !== undefined && (changes.publishVersion < 1 || changes.publishVersion > locked.latestVersion)) {
        throw new HeraldError('validation_failed', `published_version: template ${id} has versions 1 to ${locked.latestVersion}`, [
          { field: 'published_version', message: `must be one of the template's versions, 1 to ${locked.latestVersion}` },
        ]);
      }
      const base = await tx.templateVersion.findUniqueOrThrow({ where: { templateId_number: { templateId: id, number: newContent ? locked.latestVersion - 1 : published } } });
      const merged: TemplateContent = {
        subject: content.subject ?? base.subject,
        html: content.html ?? base.html,
        text: content.text !== undefined ? content.text : base.text,
        sampleVariables: content.sampleVariables !== undefined ? content.sampleVariables : (base.sampleVariables as Record<string, unknown> | null),
      };
      if (newContent || layoutId !== current.layoutId) {
        // new content is checked whole; a new layout is checked with the content it will wrap
        const issues = contentIssues(kind, merged, layoutHtml);
        if (issues.length > 0) throw templateValidationError(layoutId !== current.layoutId && !newContent ? issues.map((i) => ({ ...i, field: 'layout_id' })) : issues);
      }
      if (newContent) {
        await tx.templateVersion.create({
          data: { id: newId('templateVersion', now.getTime()), templateId: id, number: locked.latestVersion, ...versionData(merged), createdAt: now },
        });
        if (changes.publish !== false) published = locked.latestVersion;
      }
      const template = await tx.template.update({
        where: { id: current.id },
        data: {
          publishedVersion: published,
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.alias !== undefined ? { alias: changes.alias } : {}),
          ...(changes.layoutId !== undefined ? { layoutId: changes.layoutId } : {}),
        },
      });
      const version = await tx.templateVersion.findUniqueOrThrow({ where: { templateId_number: { templateId: id, number: published } } });
      return { ...template, version };
    });
  } catch (err) {
    throw aliasTaken(err, changes.alias ?? null);
  }
}

/** The HTML of the layout a template names (its published version), or null for none; 404 naming layout_id when the project has no such layout. */
async function layoutHtmlFor(db: Db, projectId: string, kind: TemplateKind, layoutId: string | null): Promise<string | null> {
  if (layoutId === null) return null;
  if (kind === 'layout') {
    throw new HeraldError('validation_failed', 'layout_id: a layout cannot itself have a layout', [{ field: 'layout_id', message: 'a layout cannot be wrapped in another layout' }]);
  }
  const layout = await findTemplate(db, projectId, layoutId);
  if (!layout || layout.kind !== 'layout') {
    throw new HeraldError('not_found', `layout_id: no layout ${layoutId}`, [{ field: 'layout_id', message: 'must be the id of one of the project\'s layouts (kind "layout")' }]);
  }
  const version = await db.templateVersion.findUniqueOrThrow({ where: { templateId_number: { templateId: layout.id, number: layout.publishedVersion } } });
  return version.html;
}

function versionData(content: TemplateContent) {
  return { subject: content.subject, html: content.html, text: content.text, sampleVariables: (content.sampleVariables ?? undefined) as Prisma.InputJsonValue | undefined };
}

/** An alias already used by another template of the project: 409 naming the alias; any other error as it is. */
function aliasTaken(err: unknown, alias: string | null): unknown {
  if (!isUniqueViolation(err)) return err;
  return new HeraldError('conflict', `alias: another template of this project is called ${alias ?? 'that'}`, [{ field: 'alias', message: 'is already used by another template of this project' }]);
}
