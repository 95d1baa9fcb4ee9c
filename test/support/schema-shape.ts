import { createRequire } from 'node:module';
import pg from 'pg';
import type * as SchemaWasm from '@prisma/prisma-schema-wasm';

/**
 * The shape of a Postgres schema as Prisma Migrate sees it: enums, tables and columns, primary keys,
 * indexes, foreign keys. `expectedShape` derives it from schema.prisma (through the DMMF of Prisma's own
 * schema parser), `actualShape` reads it from a database's catalog, and `diffShapes` lists every
 * difference as a readable sentence. Types are written as Postgres' format_type() writes them.
 */
export interface ColumnShape {
  type: string;
  notNull: boolean;
  /** The default expression without casts (`'queued'`, `CURRENT_TIMESTAMP`, `ARRAY[]`), or null. */
  default: string | null;
}
export interface TableShape { columns: Map<string, ColumnShape>; primaryKey: { name: string; columns: string[] } | null }
export interface IndexShape {
  table: string; unique: boolean; method: string; where: string | null;
  /** Key columns in order, with ` DESC` (and a non-default NULLS order) where it applies. */
  columns: string[];
}
export interface ForeignKeyShape {
  name: string; table: string; columns: string[]; refTable: string; refColumns: string[]; onDelete: string; onUpdate: string;
}
export interface SchemaShape {
  enums: Map<string, string[]>;
  tables: Map<string, TableShape>;
  /** By index name (index names are unique within a Postgres schema). */
  indexes: Map<string, IndexShape>;
  /** By `table (columns)`: the DMMF does not expose `@relation(map:)`, so names are compared as attributes. */
  foreignKeys: Map<string, ForeignKeyShape>;
  /** CHECK, EXCLUDE and trigger constraints, by `table.name`; Prisma never creates them. */
  otherConstraints: Map<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Expected shape, from schema.prisma

/** The parts of Prisma's DMMF (get_dmmf of @prisma/prisma-schema-wasm) read here. */
interface DmmfField {
  name: string; dbName?: string | null; kind: 'scalar' | 'enum' | 'object' | 'unsupported'; type: string;
  nativeType: [string, string[]] | null; isList: boolean; isRequired: boolean; hasDefaultValue: boolean; default?: unknown;
  relationFromFields?: string[]; relationToFields?: string[]; relationOnDelete?: string; relationOnUpdate?: string;
}
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface DmmfEnum { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }
interface DmmfIndex {
  model: string; type: 'id' | 'normal' | 'unique' | 'fulltext'; dbName?: string | null; algorithm?: string; fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}
interface Dmmf { datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] } }

const schemaWasm = createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as typeof SchemaWasm;

const PG_IDENTIFIER_MAX = 63;
const SCALAR_TYPES: Record<string, string> = {
  String: 'text', Int: 'integer', BigInt: 'bigint', Float: 'double precision', Decimal: 'numeric(65,30)',
  Boolean: 'boolean', DateTime: 'timestamp(3) without time zone', Json: 'jsonb', Bytes: 'bytea',
};
/** @db.* native types; `%` stands for the arguments, e.g. @db.Timestamptz(3) → timestamp(3) with time zone. */
const NATIVE_TYPES: Record<string, string> = {
  Text: 'text', Uuid: 'uuid', Xml: 'xml', Inet: 'inet', Citext: 'citext', Integer: 'integer', SmallInt: 'smallint', BigInt: 'bigint',
  Oid: 'oid', Money: 'money', DoublePrecision: 'double precision', Real: 'real', Boolean: 'boolean', Date: 'date', Json: 'json',
  JsonB: 'jsonb', ByteA: 'bytea', VarChar: 'character varying%', Char: 'character%', Bit: 'bit%', VarBit: 'bit varying%',
  Decimal: 'numeric%', Timestamp: 'timestamp% without time zone', Timestamptz: 'timestamp% with time zone',
  Time: 'time% without time zone', Timetz: 'time% with time zone',
};
const FK_ACTIONS: Record<string, string> = { Cascade: 'CASCADE', Restrict: 'RESTRICT', NoAction: 'NO ACTION', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT' };
/** Marks a `@default(dbgenerated())` without an expression: any database default matches. */
const ANY_DEFAULT = '<any default>';

const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Prisma's default constraint names: <table>_<columns>_<suffix>, trimmed to Postgres' 63 characters. */
function prismaName(table: string, columns: string[], suffix: string): string {
  const base = [table, ...columns].join('_');
  return base.slice(0, Math.min(base.length, PG_IDENTIFIER_MAX - suffix.length - 1)) + '_' + suffix;
}

/**
 * Indexes the migrations create that schema.prisma cannot declare (expressions, partial indexes): expected as they are.
 * Each is explained in its migration.
 */
export const SQL_ONLY_INDEXES: ReadonlyMap<string, IndexShape> = new Map([
  ['recipients_project_id_lower_email_idx', { table: 'recipients', unique: false, method: 'btree', columns: ['project_id', 'lower(email)'], where: null }],
  ['recipients_pending_idx', {
    table: 'recipients', unique: false, method: 'btree', columns: ['message_id', 'domain'],
    where: `(status = ANY (ARRAY['queued'::"RecipientStatus", 'deferred'::"RecipientStatus"]))`,
  }],
  ['messages_idempotency_key_idx', {
    table: 'messages', unique: false, method: 'btree', columns: ['project_id', 'idempotency_key'], where: '(idempotency_key IS NOT NULL)',
  }],
  ['messages_scheduled_idx', { table: 'messages', unique: false, method: 'btree', columns: ['id'], where: `(status = 'scheduled'::"MessageStatus")` }],
]);

/**
 * Relations schema.prisma declares (the client reads through them) whose foreign keys a migration
 * drops: rows of tables partitioned by time naming rows of another, written in the same statement
 * (prisma/migrations/20261206000000_drop_time_partitioned_foreign_keys explains why), and naming their
 * project, sending domain and API key, whose deletions triggers carry out instead
 * (prisma/migrations/20261206020000_project_rows_deleted_by_trigger).
 */
export const RELATIONS_WITHOUT_FOREIGN_KEY: ReadonlySet<string> = new Set([
  'message_contents (id)', 'recipients (message_id)', 'events (message_id)', 'events (recipient_id)',
  'messages (project_id)', 'messages (domain_id)', 'messages (api_key_id)', 'recipients (project_id)', 'events (project_id)',
]);

export function expectedShape(schemaText: string): SchemaShape {
  const dmmf = JSON.parse(schemaWasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }))) as Dmmf;
  const { models, enums, indexes } = dmmf.datamodel;
  const shape: SchemaShape = { enums: new Map(), tables: new Map(), indexes: new Map(), foreignKeys: new Map(), otherConstraints: new Map() };
  const enumByName = new Map(enums.map((e) => [e.name, e]));
  const modelByName = new Map(models.map((m) => [m.name, m]));
  const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string): string => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`model ${model.name} has no field ${fieldName}`);
    return field.dbName ?? field.name;
  };

  for (const e of enums) shape.enums.set(e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name));

  for (const model of models) {
    const table = tableOf(model);
    const columns = new Map<string, ColumnShape>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const column = field.dbName ?? field.name;
      const type = columnType(field, enumByName.get(field.type)) + (field.isList ? '[]' : '');
      // Prisma never puts NOT NULL on scalar lists
      columns.set(column, { type, notNull: field.isRequired && !field.isList, default: expectedDefault(field, table, column, type, enumByName) });
    }
    shape.tables.set(table, { columns, primaryKey: null });

    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.relationFromFields?.length) continue;
      const target = modelByName.get(field.type);
      if (!target) throw new Error(`relation ${model.name}.${field.name} points to unknown model ${field.type}`);
      const fkColumns = field.relationFromFields.map((f) => columnOf(model, f));
      const optional = field.relationFromFields.every((f) => !model.fields.find((x) => x.name === f)?.isRequired);
      shape.foreignKeys.set(`${table} (${fkColumns.join(', ')})`, {
        name: prismaName(table, fkColumns, 'fkey'), table, columns: fkColumns,
        refTable: tableOf(target), refColumns: (field.relationToFields ?? []).map((f) => columnOf(target, f)),
        // Prisma's defaults: SET NULL for optional relations, RESTRICT for required ones; ON UPDATE CASCADE
        onDelete: FK_ACTIONS[field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict')] ?? '?',
        onUpdate: FK_ACTIONS[field.relationOnUpdate ?? 'Cascade'] ?? '?',
      });
    }
  }

  for (const index of indexes) {
    const model = modelByName.get(index.model);
    if (!model) throw new Error(`index on unknown model ${index.model}`);
    const table = tableOf(model);
    const columns = index.fields.map((f) => columnOf(model, f.name));
    if (index.type === 'id') {
      const entry = shape.tables.get(table);
      if (entry) entry.primaryKey = { name: index.dbName ?? prismaName(table, [], 'pkey'), columns };
      continue;
    }
    const unique = index.type === 'unique';
    shape.indexes.set(index.dbName ?? prismaName(table, columns, unique ? 'key' : 'idx'), {
      table, unique, method: (index.algorithm ?? 'btree').toLowerCase(),
      columns: index.fields.map((f, i) => `${columns[i]}${f.sortOrder === 'desc' ? ' DESC' : ''}`),
      where: null,
    });
  }
  for (const [name, index] of SQL_ONLY_INDEXES) shape.indexes.set(name, index);
  for (const key of RELATIONS_WITHOUT_FOREIGN_KEY) {
    if (!shape.foreignKeys.delete(key)) throw new Error(`schema.prisma declares no relation ${key}`);
  }
  return shape;
}

function columnType(field: DmmfField, enumType: DmmfEnum | undefined): string {
  if (field.kind === 'enum') return enumType?.dbName ?? field.type;
  const [native, args] = field.nativeType ?? [];
  const type = native ? NATIVE_TYPES[native]?.replace('%', args?.length ? `(${args.join(',')})` : '') : SCALAR_TYPES[field.type];
  if (!type) throw new Error(`schema-shape does not know the type of ${field.name}: ${native ? `@db.${native}` : field.type}`);
  return type;
}

function expectedDefault(field: DmmfField, table: string, column: string, type: string, enums: Map<string, DmmfEnum>): string | null {
  if (!field.hasDefaultValue || field.default === undefined) return null;
  const literal = (value: unknown): string => {
    if (typeof value === 'number') return value < 0 ? quote(String(value)) : String(value); // Postgres shows '-1'::integer
    if (typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') throw new Error(`schema-shape does not know the default ${JSON.stringify(value)} of ${table}.${column}`);
    if (field.kind === 'enum') return quote(enums.get(field.type)?.values.find((v) => v.name === value)?.dbName ?? value);
    return canonicalLiteral(quote(value), type);
  };
  const value = field.default;
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  if (value && typeof value === 'object' && 'name' in value) {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === 'now') return 'CURRENT_TIMESTAMP';
    if (fn.name === 'autoincrement') return 'autoincrement()';
    if (fn.name === 'dbgenerated') return typeof fn.args[0] === 'string' ? normalizeDefault(fn.args[0], type) : ANY_DEFAULT;
    return null; // uuid(), cuid(), ulid(), nanoid(): generated by the client, no database default
  }
  return literal(value);
}

// ---------------------------------------------------------------------------------------------
// Actual shape, from a database

/** A default expression as pg_get_expr() writes it, without casts: `'live'::"ApiKeyMode"` → `'live'`. */
function normalizeDefault(expr: string, type: string): string {
  // string literals are matched whole, so a '::' inside one is left alone
  const castOrLiteral = /('(?:[^']|'')*')|::(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_ ]*(?:\(\d+(?:,\s*\d+)?\))?[a-z ]*)(?:\[\])*/gi;
  const out = expr.replace(castOrLiteral, (_, literal?: string) => literal ?? '').trim();
  if (out === 'now()') return 'CURRENT_TIMESTAMP';
  if (/^nextval\('[^']*'\)$/.test(out)) return 'autoincrement()'; // a serial column; Prisma ignores the sequence's name
  return /^'.*'$/s.test(out) ? canonicalLiteral(out, type) : out;
}

/** JSON literals compare by value: Postgres rewrites '{"a":1}' as '{"a": 1}'. */
function canonicalLiteral(literal: string, type: string): string {
  if (type !== 'jsonb' && type !== 'json') return literal;
  try {
    return quote(JSON.stringify(JSON.parse(literal.slice(1, -1).replace(/''/g, "'"))));
  } catch {
    return literal;
  }
}

const PG_FK_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const IGNORED_TABLES = ['_prisma_migrations'];

/** Reads the shape of the database's current schema (public), ignoring the `_prisma_migrations` table. */
export async function actualShape(databaseUrl: string): Promise<SchemaShape> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await readShape(client);
  } finally {
    await client.end();
  }
}

async function readShape(client: pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = { enums: new Map(), tables: new Map(), indexes: new Map(), foreignKeys: new Map(), otherConstraints: new Map() };
  // a partition is part of its partitioned table, which schema.prisma describes (packages/core/src/partitions)
  const inSchema = `n.nspname = current_schema() AND c.relname <> ALL($1::text[]) AND NOT c.relispartition`;

  const enums = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)::text[] AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema() GROUP BY t.typname`);
  for (const row of enums.rows) shape.enums.set(row.name, row.labels);

  // one row per column, and one with a null column for a table without columns
  const columns = await client.query<{ table: string; column: string | null; type: string; not_null: boolean; default: string | null }>(`
    SELECT c.relname AS table, a.attname AS column, a.attnotnull AS not_null,
      CASE WHEN t.typtype = 'e' THEN t.typname::text
           WHEN et.typtype = 'e' THEN et.typname || '[]'
           ELSE format_type(a.atttypid, a.atttypmod) END AS type,
      CASE WHEN a.attidentity <> '' THEN 'GENERATED AS IDENTITY' ELSE pg_get_expr(d.adbin, d.adrelid) END AS default
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p') AND ${inSchema}`, [IGNORED_TABLES]);
  for (const { table, column, type, not_null: notNull, default: expr } of columns.rows) {
    if (!shape.tables.has(table)) shape.tables.set(table, { columns: new Map(), primaryKey: null });
    if (column !== null) shape.tables.get(table)?.columns.set(column, { type, notNull, default: expr === null ? null : normalizeDefault(expr, type) });
  }

  const indexes = await client.query<{ name: string; table: string; unique: boolean; primary: boolean; method: string; columns: string[]; where: string | null }>(`
    SELECT i.relname AS name, c.relname AS table, x.indisunique AS unique, x.indisprimary AS primary, am.amname AS method,
      pg_get_expr(x.indpred, x.indrelid) AS where,
      ARRAY(
        SELECT coalesce(a.attname::text, pg_get_indexdef(x.indexrelid, k.ord::int, true))
          || CASE WHEN o.opt & 1 = 1 THEN ' DESC' ELSE '' END
          || CASE WHEN o.opt & 3 = 2 THEN ' NULLS FIRST' WHEN o.opt & 3 = 1 THEN ' NULLS LAST' ELSE '' END
        FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
          JOIN unnest(x.indoption::int2[]) WITH ORDINALITY o(opt, ord) ON o.ord = k.ord
          LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
        WHERE k.ord <= x.indnkeyatts ORDER BY k.ord
      )::text[] AS columns
    FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = i.relam
    WHERE ${inSchema}`, [IGNORED_TABLES]);
  for (const row of indexes.rows) {
    const table = shape.tables.get(row.table);
    if (row.primary && table) table.primaryKey = { name: row.name, columns: row.columns };
    else shape.indexes.set(row.name, { table: row.table, unique: row.unique, method: row.method, columns: row.columns, where: row.where });
  }

  const constraints = await client.query<{ name: string; type: string; table: string; ref_table: string | null; columns: string[]; ref_columns: string[]; on_delete: string; on_update: string; definition: string }>(`
    SELECT con.conname AS name, con.contype AS type, c.relname AS table, rc.relname AS ref_table,
      con.confdeltype AS on_delete, con.confupdtype AS on_update, pg_get_constraintdef(con.oid) AS definition,
      ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
      ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
    FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class rc ON rc.oid = con.confrelid
    WHERE con.contype IN ('f', 'c', 'x', 't') AND con.conparentid = 0 AND ${inSchema}`, [IGNORED_TABLES]);
  // conparentid = 0: a foreign key to a partitioned table has a clone for each partition it names
  // (feedback_reports_message_id_fkey1…), under the same table and columns; only the key itself counts
  for (const row of constraints.rows) {
    if (row.type !== 'f') shape.otherConstraints.set(`${row.table}.${row.name}`, row.definition);
    else shape.foreignKeys.set(`${row.table} (${row.columns.join(', ')})`, {
      name: row.name, table: row.table, columns: row.columns, refTable: row.ref_table ?? '?', refColumns: row.ref_columns,
      onDelete: PG_FK_ACTIONS[row.on_delete] ?? row.on_delete, onUpdate: PG_FK_ACTIONS[row.on_update] ?? row.on_update,
    });
  }
  return shape;
}

// ---------------------------------------------------------------------------------------------
// Differences

const describeColumn = (c: ColumnShape): string =>
  `${c.type} ${c.notNull ? 'NOT NULL' : 'NULL'}${c.default === null ? '' : ` DEFAULT ${c.default}`}`;
const describeIndex = (name: string, i: IndexShape): string =>
  `${i.unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${i.table}${i.method === 'btree' ? '' : ` USING ${i.method}`} (${i.columns.join(', ')})${i.where ? ` WHERE ${i.where}` : ''}`;
const describeForeignKey = (f: ForeignKeyShape): string =>
  `FOREIGN KEY ${f.name} ON ${f.table} (${f.columns.join(', ')}) REFERENCES ${f.refTable} (${f.refColumns.join(', ')}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`;
const describePrimaryKey = (pk: TableShape['primaryKey']): string => (pk ? `${pk.name} (${pk.columns.join(', ')})` : 'none');

/** Walks the union of both maps' keys in sorted order, reporting missing, extra and changed entries. */
function compare<T>(
  out: string[], expected: Map<string, T>, actual: Map<string, T>,
  what: (key: string, value: T) => string, describe: (key: string, value: T) => string,
  changed: (key: string, e: T, a: T) => void = (key, e, a) => {
    if (describe(key, e) !== describe(key, a)) out.push(`${what(key, e)}: schema.prisma has ${describe(key, e)}, database has ${describe(key, a)}`);
  },
): void {
  for (const key of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const e = expected.get(key);
    const a = actual.get(key);
    if (e !== undefined && a !== undefined) changed(key, e, a);
    else if (e !== undefined) out.push(`missing in database: ${what(key, e)} (${describe(key, e)})`);
    else if (a !== undefined) out.push(`not in schema.prisma: ${what(key, a)} (${describe(key, a)})`);
  }
}

/** Every difference between the expected and the actual shape, one readable line each; [] when they agree. */
export function diffShapes(expected: SchemaShape, actual: SchemaShape): string[] {
  const out: string[] = [];
  compare(out, expected.enums, actual.enums, (name) => `enum ${name}`, (_, values) => `(${values.join(', ')})`);
  compare(out, expected.tables, actual.tables, (name) => `table ${name}`, (_, t) => `${t.columns.size} columns`, (table, e, a) => {
    compare(out, e.columns, a.columns, (column) => `column ${table}.${column}`, (_, c) => describeColumn(c), (column, ec, ac) => {
      const where = `column ${table}.${column}`;
      if (ec.type !== ac.type) out.push(`${where} type: schema.prisma has ${ec.type}, database has ${ac.type}`);
      const nullability = (c: ColumnShape): string => (c.notNull ? 'NOT NULL' : 'NULL');
      if (ec.notNull !== ac.notNull) out.push(`${where} nullability: schema.prisma has ${nullability(ec)}, database has ${nullability(ac)}`);
      const sameDefault = ec.default === ac.default || (ec.default === ANY_DEFAULT && ac.default !== null);
      if (!sameDefault) out.push(`${where} default: schema.prisma has ${ec.default ?? 'none'}, database has ${ac.default ?? 'none'}`);
    });
    if (describePrimaryKey(e.primaryKey) !== describePrimaryKey(a.primaryKey)) {
      out.push(`primary key of ${table}: schema.prisma has ${describePrimaryKey(e.primaryKey)}, database has ${describePrimaryKey(a.primaryKey)}`);
    }
  });
  // indexes and foreign keys of a table missing on one side are already reported with the table
  const onBothSides = (table: string): boolean => expected.tables.has(table) && actual.tables.has(table);
  const keep = <T extends { table: string }>(map: Map<string, T>): Map<string, T> => new Map([...map].filter(([, v]) => onBothSides(v.table)));
  compare(out, keep(expected.indexes), keep(actual.indexes), (name, i) => `index ${name} on ${i.table}`, describeIndex);
  compare(out, keep(expected.foreignKeys), keep(actual.foreignKeys), (key) => `foreign key ${key}`, (_, f) => describeForeignKey(f));
  compare(out, expected.otherConstraints, actual.otherConstraints, (key) => `constraint ${key}`, (_, definition) => definition);
  return out;
}
