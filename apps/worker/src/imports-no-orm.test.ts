import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Every module a fresh Node process resolves while importing `entry` as Herald runs it (tsx's loader,
 * and a resolve hook of this test's that prints each URL).
 */
function modulesImportedBy(entry: string): string[] {
  const hook = `export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    process.stdout.write('resolved ' + result.url + '\\n');
    return result;
  }`;
  const script = `import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    await import(${JSON.stringify(entry)});`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').filter((line) => line.startsWith('resolved ')).map((line) => line.slice('resolved '.length));
}

const ORM = /\/generated\/prisma\/client\.ts$|\/@prisma\/|\/db\/orm\.ts$/;

// the ORM costs a process about 12 MB once imported and 70 MB more from its first query: the worker
// has no Prisma client (createSqlDb), and imports none of it (docs/performance.md)
describe('the worker imports no part of the ORM', () => {
  it('as `herald start worker` loads it: the CLI, then the worker package', () => {
    const cli = modulesImportedBy('./packages/cli/src/commands/start.ts');
    const worker = modulesImportedBy('@herald/worker');
    expect(worker.some((url) => url.endsWith('/apps/worker/src/main.ts'))).toBe(true);
    expect(worker.some((url) => url.endsWith('/packages/core/src/db/client.ts'))).toBe(true);
    expect([...cli, ...worker].filter((url) => ORM.test(url))).toEqual([]);
  }, 60_000);

  it('(the API does: this test sees it when it is there)', () => {
    const api = modulesImportedBy('@herald/api/processes');
    expect(api.filter((url) => ORM.test(url)).length).toBeGreaterThan(0);
  }, 60_000);
});
