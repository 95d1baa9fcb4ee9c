import { newApiKeyRow } from '../auth/api-keys.ts';
import { SCOPE_PRESETS } from '../auth/scopes.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { HeraldError } from '../errors/registry.ts';
import { newId } from '../ids.ts';

export interface CreatedProject {
  project: { id: string; name: string; testMode: boolean; dailyQuota: number | null };
  /** The full-access key, in the clear: shown once, stored only as a hash. */
  apiKey: { id: string; key: string; prefix: string };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

/** Creates a project and its first API key (full access), in one transaction. */
export async function createProject(
  db: Db,
  name: string,
  options: { testMode?: boolean; dailyQuota?: number | null } = {},
): Promise<CreatedProject> {
  if (!NAME.test(name)) {
    throw new HeraldError('validation_failed', 'name: 1-100 letters, digits, spaces, dots, dashes or underscores', [
      { field: 'name', message: 'must be 1-100 letters, digits, spaces, dots, dashes or underscores' },
    ]);
  }
  const projectId = newId('project');
  const testMode = options.testMode ?? false;
  const { key, row } = newApiKeyRow(projectId, {
    name: 'initial key',
    scopes: [...SCOPE_PRESETS.full],
    domains: [],
    expiresAt: null,
    mode: testMode ? 'test' : 'live',
  });
  try {
    await db.$transaction([
      db.project.create({ data: { id: projectId, name, testMode, dailyQuota: options.dailyQuota ?? null } }),
      db.apiKey.create({ data: row }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new HeraldError('conflict', `a project named "${name}" already exists`, [
        { field: 'name', message: 'must be unique' },
      ]);
    }
    throw err;
  }
  return {
    project: { id: projectId, name, testMode, dailyQuota: options.dailyQuota ?? null },
    apiKey: { id: row.id, key, prefix: row.prefix },
  };
}

/** A project by id or by name (the CLI accepts either). */
export async function findProject(db: Db, idOrName: string): Promise<{ id: string; name: string } | null> {
  return db.project.findFirst({
    where: { OR: [{ id: idOrName }, { name: idOrName }] },
    select: { id: true, name: true },
  });
}
