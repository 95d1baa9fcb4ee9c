import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { createSqlDb, pgPool, sqlPool, withoutOrm } from './client.ts';
import { createDb } from './orm.ts';

/*
 * Prisma 7 compiles its queries with a WebAssembly module, made at a client's first operation and
 * kept for the process's life (about 70 MB of its memory: docs/performance.md). The worker's client
 * has no Prisma side (createSqlDb), so a worker never makes it. The modules this file's
 * process makes are counted; this file has its own module graph, so nothing made one before it.
 */
describe('a client made by createSqlDb', () => {
  type ModuleClass = new (bytes: Uint8Array) => object;
  const wasm = (globalThis as unknown as { WebAssembly: { Module: ModuleClass } }).WebAssembly;
  const Module = wasm.Module;
  let modules = 0;
  beforeAll(() => {
    wasm.Module = class extends Module {
      constructor(bytes: Uint8Array) {
        super(bytes);
        modules++;
      }
    };
  });
  afterAll(() => {
    wasm.Module = Module;
  });

  it('queries through its pool, refuses anything of Prisma with what to use instead, and never makes the query compiler', async () => {
    const db = createSqlDb(TEST_DATABASE_URL, { poolSize: 1 });
    expect((await sqlPool(db).query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(() => db.project).toThrow('db.project: this client has no Prisma side (createSqlDb); query through sqlPool(db)');
    expect(() => db.$queryRaw).toThrow(/^db\.\$queryRaw: this client has no Prisma side/);
    expect(() => db.$transaction).toThrow(/^db\.\$transaction: /);
    // awaited or inspected, it is not taken for a promise
    expect(await Promise.resolve(db)).toBe(db);
    expect(pgPool(withoutOrm(db))).toBe(pgPool(db));
    await db.$disconnect();
    expect(await sqlPool(db).query('SELECT 1').catch((err: Error) => err.message)).toMatch(/after calling end on the pool/);
    expect(modules).toBe(0);
  });

  it('(a full client makes the module at its first operation, as this file counts)', async () => {
    const db = createDb(TEST_DATABASE_URL, { poolSize: 1 });
    const view = withoutOrm(db);
    expect((await sqlPool(view).query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(() => view.message).toThrow(/^db\.message: /);
    expect(modules).toBe(0);
    await db.$queryRaw`SELECT 1`;
    expect(modules).toBe(1);
    await db.$disconnect();
  });
});
