import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOnUse } from './lazy-modules.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The CommonJS packages a process has loaded once it has imported `entry` (through tsx, as `herald
 * start` runs): Node's require cache, which ES modules (html-to-text's build, say) do not enter.
 */
function packagesLoadedBy(entry: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    import { register } from 'tsx/esm/api';
    register();
    await import(${JSON.stringify(entry)});
    const names = Object.keys(createRequire(import.meta.url).cache).map((k) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(k)?.[1]).filter(Boolean);
    console.log(JSON.stringify([...new Set(names)]));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string) as string[];
}

/** The CommonJS ones among them (html-to-text loads as an ES module, with the template engine these name). */
const ONLY_SOME_PROCESSES = ['handlebars', 'juice', 'cheerio', 'mailparser'];

describe('libraries only some processes run', () => {
  it('are not loaded by the worker: its code imports @herald/core whole and never renders a template or reads a notification', () => {
    const loaded = packagesLoadedBy('@herald/worker');
    expect(loaded).toContain('bullmq'); // the probe sees what the worker does load
    expect(loaded.filter((name) => ONLY_SOME_PROCESSES.includes(name))).toEqual([]);
  }, 60_000);

  it('are loaded by the API, whose template routes import the template engine', () => {
    const loaded = packagesLoadedBy('@herald/api');
    expect(loaded).toEqual(expect.arrayContaining(['handlebars', 'juice', 'cheerio']));
  }, 60_000);

  it('load once, on first use, and again after a failed load', async () => {
    let calls = 0;
    const load = loadOnUse(async () => {
      calls++;
      if (calls === 1) throw new Error('not there yet');
      return { value: calls };
    });
    expect(calls).toBe(0);
    await expect(load()).rejects.toThrow('not there yet');
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toEqual({ value: 2 });
    expect(calls).toBe(2);
  });
});
