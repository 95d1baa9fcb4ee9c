import type { Db } from '../db/client.ts';
import { HeraldError } from '../errors/registry.ts';
import { findTemplate } from './queries.ts';

/**
 * Deletes the project's template with all its versions; false when there was none. Messages already
 * accepted keep their content and still name the template id and version they were rendered from.
 * A layout that templates still name is refused (409) until they name another or none.
 */
export async function deleteTemplate(db: Db, projectId: string, id: string): Promise<boolean> {
  const template = await findTemplate(db, projectId, id);
  if (!template) return false;
  const inUse = () => new HeraldError('conflict', `template ${id} is the layout of other templates; change their layout_id first`, [{ field: 'id', message: 'is a layout in use' }]);
  if (template.kind === 'layout' && (await db.template.count({ where: { layoutId: id } })) > 0) throw inUse();
  try {
    const deleted = await db.template.deleteMany({ where: { id, projectId } });
    return deleted.count > 0;
  } catch (err) {
    // a template named the layout meanwhile: the foreign key refuses (P2003, 23503)
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'P2003' || code === '23503') throw inUse();
    throw err;
  }
}
