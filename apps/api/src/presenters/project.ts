import type { ProjectRow } from '@herald/core';

/** A project as the admin API shows it: never its sealed relay URL. */
export function presentProject(p: Pick<ProjectRow, 'id' | 'name' | 'testMode' | 'dailyQuota' | 'createdAt'>) {
  return { id: p.id, name: p.name, test_mode: p.testMode, daily_quota: p.dailyQuota, created_at: p.createdAt.toISOString() };
}
