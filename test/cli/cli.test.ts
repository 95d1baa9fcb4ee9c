import { afterAll, describe, expect, it } from 'vitest';
import { open } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { heraldEnv, TEST_DATABASE_URL, TEST_MASTER_KEY, uniqueName } from '../support/env.ts';
import { runHerald } from '../support/herald-process.ts';

describe('the herald command', () => {
  const db = createDb(TEST_DATABASE_URL, { poolSize: 1 });
  const env = heraldEnv();
  afterAll(() => db.$disconnect());

  it('creates a project with a full-access key shown once and stored only as a hash', async () => {
    const name = uniqueName('cli');
    const result = await runHerald(['project', 'create', name], env);
    expect(result.code, result.stderr).toBe(0);
    const key = /(hk_live_\w{36})/.exec(result.stdout)?.[1] as string;
    const project = await db.project.findUniqueOrThrow({ where: { name }, include: { apiKeys: true } });
    expect(project.apiKeys).toHaveLength(1);
    expect(project.apiKeys[0]?.scopes).toContain('keys:manage');
    expect(JSON.stringify(project.apiKeys)).not.toContain(key);
  });

  it('adds a domain with an RSA key and, on request, an Ed25519 key, printing a record for each', async () => {
    const name = uniqueName('cli-dom');
    await runHerald(['project', 'create', name], env);
    const domain = `${uniqueName('cli')}.example`;
    const result = await runHerald(['domain', 'add', name, domain, '--ed25519'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Value: +v=DKIM1; k=rsa; p=/);
    expect(result.stdout).toMatch(/Value: +v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=/);
    const keys = await db.dkimKey.findMany({ where: { domain: { name: domain } } });
    expect(keys.map((k) => [k.algorithm, k.status]).sort()).toEqual([
      ['ed25519_sha256', 'active'],
      ['rsa_sha256', 'active'],
    ]);
    expect(keys.every((k) => !k.privateKeyEncrypted.includes('PRIVATE KEY'))).toBe(true);
  });

  it("sets a project's relay sealed (credentials never in clear in the database), and clears it", async () => {
    const name = uniqueName('cli-relay');
    await runHerald(['project', 'create', name], env);
    const set = await runHerald(['project', 'relay', name, 'smtps://apikey:very-secret@smtp.example.net:465'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('relayed through smtp.example.net:465');
    expect(set.stdout).not.toContain('very-secret');
    const sealed = (await db.project.findUniqueOrThrow({ where: { name } })).relayUrlEncrypted as string;
    expect(sealed).not.toContain('very-secret');
    expect(open(sealed, Buffer.from(TEST_MASTER_KEY, 'base64'))).toBe('smtps://apikey:very-secret@smtp.example.net:465');
    const cleared = await runHerald(['project', 'relay', name, 'none'], env);
    expect(cleared.code).toBe(0);
    expect((await db.project.findUniqueOrThrow({ where: { name } })).relayUrlEncrypted).toBeNull();
  });

  it('refuses a relay URL that is not smtp:// or smtps://', async () => {
    const result = await runHerald(['project', 'relay', 'whatever', 'http://example.com'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('herald project relay <project> <smtp://…|smtps://…|none>');
  });

  it('fails fast naming a bad variable', async () => {
    const result = await runHerald(['migrate'], { ...env, DATABASE_URL: 'mysql://nope' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });
});
