import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allSettings, BOUNCE_RULES, ENHANCED_CATEGORIES, ERROR_CODES, type Setting } from '@herald/core';
import { renderEnvExample } from '../../packages/cli/src/commands/config.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const everySetting = allSettings.flatMap(({ settings }) => Object.values(settings) as Setting[]);

describe('the documentation stays in step with the code', () => {
  it('.env.example is exactly what `herald config` prints', () => {
    expect(read('.env.example')).toBe(renderEnvExample());
  });

  it("the README's configuration table lists every variable with its default", () => {
    const readme = read('README.md');
    for (const setting of everySetting) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${setting.env}\``));
      expect(row, `README has no row for ${setting.env}`).toBeDefined();
      if (typeof setting.default === 'string') expect(row).toContain(`\`${setting.default}\``);
    }
  });

  it('docs/errors.md lists every error code with its HTTP status, and no other', () => {
    const rows = [...read('docs/errors.md').matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(ERROR_CODES).map(([code, e]) => [code, e.status])));
  });

  it('docs/delivery.md lists every bounce category the classifier gives', () => {
    const listed = /Categories: ([^]*?)\.\n/.exec(read('docs/delivery.md'))?.[1] ?? '';
    const documented = new Set([...listed.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));
    const given = new Set([...BOUNCE_RULES.map((r) => r.category), ...ENHANCED_CATEGORIES.map(([, category]) => category), 'expired', 'other']);
    expect([...given].filter((category) => !documented.has(category))).toEqual([]);
  });
});

describe('the documentation names only files that exist', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: new URL('../../', import.meta.url), encoding: 'utf8' }).split('\n').filter(Boolean);
  const docs = ['README.md', ...tracked.filter((f) => /^docs\/.*\.md$/.test(f))];
  /** A path named in a doc exists when a tracked file (or folder) is at it, or ends with it (docs often name `delivery/attempt.ts` inside an app). */
  const exists = (path: string) => {
    // the @herald/test workspace is the test/ folder
    const clean = path.replace(/^\.\//, '').replace(/^@herald\/test\//, 'test/').replace(/\/$/, '');
    return tracked.some((f) => f === clean || f.endsWith(`/${clean}`) || f.startsWith(`${clean}/`) || f.includes(`/${clean}/`));
  };

  for (const doc of docs) {
    it(`${doc}: every file path in code spans and every relative link resolves`, () => {
      const text = read(doc);
      // code spans that look like paths: a slash and a file extension, or a folder ending in a slash
      const spans = [...text.matchAll(/`([\w.@-]+(?:\/[\w.@<>-]+)+\/?)`/g)]
        .map((m) => m[1] as string)
        .filter((p) => /\.(ts|js|json|md|sql|prisma|ya?ml|toml|eml|sh)$|\/$/.test(p) && !/[<>]/.test(p) && !p.startsWith('node_modules'));
      const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1] as string)
        .filter((href) => !/^[a-z]+:/.test(href))
        .map((href) => posix.normalize(posix.join(posix.dirname(doc), href)));
      const missing = [...new Set([...spans.filter((p) => !exists(p)), ...links.filter((p) => !exists(p))])];
      expect(missing, `${doc} names files that do not exist`).toEqual([]);
    });
  }
});
