import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./heap-growing.ts', import.meta.url));

/**
 * A real Node process calls fixHeapGrowing, then runs full collections with V8's own trace on; the
 * factor V8 printed for each new old-generation limit is what the process really got.
 */
function factorsSeen(nodeOptions: string[]): { set: string | null; factors: string[] } {
  const script = `
    const { fixHeapGrowing } = await import(${JSON.stringify(MODULE)});
    const set = fixHeapGrowing();
    let keep = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200_000; i++) keep.push({ i, text: 'x' + i });
      globalThis.gc();
      keep = keep.slice(0, 50_000);
    }
    console.log('SET ' + JSON.stringify(set));`;
  const run = spawnSync(process.execPath, [...nodeOptions, '--expose-gc', '--trace-gc-verbose', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const set = JSON.parse(/^SET (.*)$/m.exec(run.stdout)?.[1] ?? 'undefined') as string | null;
  const factors = [...run.stdout.matchAll(/\[HeapController\] Limit: old size: \d+ KB, new limit: \d+ KB \(([\d.]+)\)/g)].map((m) => m[1] as string);
  return { set, factors };
}

describe("V8's heap-growing factor in Herald's processes", () => {
  it('is fixed at 2 (100% growth) after every full collection', () => {
    const { set, factors } = factorsSeen([]);
    expect(set).toBe('--heap-growing-percent=100');
    expect(factors.length).toBeGreaterThanOrEqual(3);
    expect(new Set(factors)).toEqual(new Set(['2.0']));
  });

  it("leaves Node's own option in place when the process was started with one", () => {
    const { set, factors } = factorsSeen(['--heap-growing-percent=50']);
    expect(set).toBeNull();
    expect(factors.length).toBeGreaterThanOrEqual(3);
    expect(new Set(factors)).toEqual(new Set(['1.5']));
  });
});
