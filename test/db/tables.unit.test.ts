import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOT_TABLES } from '@herald/core/db/tables';
import { expectedShape } from '../support/schema-shape.ts';

const SCHEMA = expectedShape(readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8'));

/** How Postgres' format_type() writes each type a declaration may name. */
const FORMAT: Record<string, RegExp> = {
  text: /^text$/,
  int: /^integer$/,
  boolean: /^boolean$/,
  timestamptz: /^timestamp(\(\d\))? with time zone$/,
  jsonb: /^jsonb$/,
  bytea: /^bytea$/,
  'text[]': /^text\[\]$/,
};

describe('the hot tables declared for plain SQL (db/tables.ts) match schema.prisma', () => {
  for (const table of HOT_TABLES) {
    it(`declares every column of ${table.name} it names with the schema's type and nullability`, () => {
      const shape = SCHEMA.tables.get(table.name);
      expect(shape, `schema.prisma has no table ${table.name}`).toBeDefined();
      for (const [name, spec] of Object.entries(table.columns)) {
        const column = shape?.columns.get(name);
        expect(column, `${table.name}.${name} is not in schema.prisma`).toBeDefined();
        const type = spec.replace(/\?$/, '');
        const matches = type.startsWith('"') ? `"${column?.type ?? ''}"` === type : FORMAT[type]?.test(column?.type ?? '');
        expect(matches, `${table.name}.${name}: declared ${type}, schema.prisma has ${column?.type}`).toBe(true);
        expect(spec.endsWith('?'), `${table.name}.${name}: nullability differs from schema.prisma`).toBe(!column?.notNull);
      }
    });
  }
});
