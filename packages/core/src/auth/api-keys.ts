import type { ApiKeyMode } from '../generated/prisma/enums.ts';
import { generateApiKey } from '../crypto/api-key.ts';
import type { Db, Prisma } from '../db/client.ts';
import { HeraldError } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { SCOPE_PRESETS, SCOPES, type Scope } from './scopes.ts';

export interface KeySpec {
  name: string;
  scopes: Scope[];
  /** Sending domains the key is limited to (empty: all the project's domains). */
  domains: string[];
  expiresAt: Date | null;
  mode: ApiKeyMode;
}

/** Scope names and presets ("full", "sending") to a sorted list of scopes, or the names not known. */
export function expandScopes(input: readonly string[]): { ok: true; scopes: Scope[] } | { ok: false; unknown: string[] } {
  const unknown = input.filter((s) => !(s in SCOPE_PRESETS) && !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) return { ok: false, unknown };
  const scopes = new Set<Scope>(input.flatMap((s) => (s in SCOPE_PRESETS ? SCOPE_PRESETS[s as keyof typeof SCOPE_PRESETS] : [s as Scope])));
  return { ok: true, scopes: SCOPES.filter((s) => scopes.has(s)) };
}

/** The row to create for a new key; the key itself, in the clear, goes to the caller once. */
export function newApiKeyRow(projectId: string, spec: KeySpec, now = new Date()): { key: string; row: Prisma.ApiKeyCreateManyInput } {
  const generated = generateApiKey(spec.mode);
  return {
    key: generated.key,
    row: {
      id: newId('apiKey', now.getTime()),
      projectId,
      name: spec.name,
      prefix: generated.prefix,
      hash: generated.hash,
      mode: spec.mode,
      scopes: spec.scopes,
      domains: spec.domains,
      expiresAt: spec.expiresAt,
      createdAt: now,
    },
  };
}

export async function issueApiKey(db: Db, projectId: string, spec: KeySpec, now = new Date()) {
  const { key, row } = newApiKeyRow(projectId, spec, now);
  const created = await db.apiKey.create({ data: row });
  return { key, row: created };
}

/**
 * A replacement with the same name, scopes, domains, mode and expiry; the old key keeps working for
 * `graceMs` (0: stops at once), so deployments can switch without downtime. One transaction.
 */
export async function rollApiKey(db: Db, projectId: string, keyId: string, graceMs: number, now = new Date()) {
  return db.$transaction(async (tx) => {
    const old = await tx.apiKey.findFirst({ where: { id: keyId, projectId } });
    if (!old) throw new HeraldError('not_found', `no API key ${keyId}`);
    if (old.revokedAt || (old.expiresAt && old.expiresAt <= now)) {
      throw new HeraldError('conflict', `API key ${keyId} is revoked or expired; create a new key instead`);
    }
    const { key, row } = newApiKeyRow(
      projectId,
      { name: old.name, scopes: old.scopes as Scope[], domains: old.domains, expiresAt: old.expiresAt, mode: old.mode },
      now,
    );
    const created = await tx.apiKey.create({ data: row });
    const until = new Date(now.getTime() + graceMs);
    const retired = await tx.apiKey.update({
      where: { id: old.id },
      data: graceMs <= 0 ? { revokedAt: now } : { expiresAt: old.expiresAt && old.expiresAt < until ? old.expiresAt : until },
    });
    return { key, row: created, old: retired };
  });
}
