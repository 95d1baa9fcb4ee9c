import { HeraldError, type Db } from '@herald/core';
import { getTemplate, type TemplateWithVersion } from '@herald/core/templates';

/** The project's template with its published version, or 404 (also for another project's id). */
export async function requireTemplate(db: Db, projectId: string, id: string): Promise<TemplateWithVersion> {
  const template = await getTemplate(db, projectId, id);
  if (!template) throw new HeraldError('not_found', `no template ${id}`);
  return template;
}
