import { generateApiKey, newId, type Db, type Scope } from '@herald/core';

/** A live key of the project carrying only the given scopes; returns the Authorization header. */
export async function createScopedKey(db: Db, projectId: string, scopes: Scope[]): Promise<{ authorization: string }> {
  const key = generateApiKey('live');
  await db.apiKey.create({
    data: { id: newId('apiKey'), projectId, name: `scoped ${scopes.join(' ')}`, prefix: key.prefix, hash: key.hash, mode: key.mode, scopes },
  });
  return { authorization: `Bearer ${key.key}` };
}

/** The key with its last character changed to a different one: always wrong, whatever the key ends with. */
export function tamperedKey(key: string): string {
  return `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
}
