import type { Db, Prisma } from '../db/client.ts';

/**
 * Projects as the admin API (and later the dashboard's operator pages) read them. A project is the
 * tenant itself, so these are the only reads not scoped by a project: they run behind
 * HERALD_ADMIN_TOKEN. Creating a project is a use case of its own (create-project.ts).
 */

export type ProjectRow = Prisma.ProjectGetPayload<object>;

/** The project with this id, or null. */
export function getProject(db: Db, id: string): Promise<ProjectRow | null> {
  return db.project.findUnique({ where: { id } });
}

/** Every project, oldest first. */
export function listProjects(db: Db): Promise<ProjectRow[]> {
  return db.project.findMany({ orderBy: { createdAt: 'asc' } });
}
