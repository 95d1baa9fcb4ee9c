import { readFileSync } from 'node:fs';
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
