import type pg from 'pg';

/** One partition of a table as the catalog has it: its id range (null for MINVALUE or MAXVALUE), or the default. */
export interface Partition {
  name: string;
  isDefault: boolean;
  from: string | null;
  to: string | null;
}

const LIST_SQL = `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`;

/** The partitions of `table` (none when it is not partitioned or does not exist). */
export async function listPartitions(client: pg.ClientBase, table: string): Promise<Partition[]> {
  const { rows } = await client.query<{ name: string; bound: string }>(LIST_SQL, [table]);
  return rows.map(({ name, bound }) => parseBound(name, bound));
}

/** `FOR VALUES FROM ('evt_01…') TO ('evt_01…')`, `FROM (MINVALUE) TO (…)`, or `DEFAULT`. */
export function parseBound(name: string, bound: string): Partition {
  if (bound === 'DEFAULT') return { name, isDefault: true, from: null, to: null };
  const match = /^FOR VALUES FROM \((.+)\) TO \((.+)\)$/.exec(bound);
  if (!match) throw new Error(`partition ${name} has a bound Herald does not make: ${bound}`);
  return { name, isDefault: false, from: literal(match[1] as string), to: literal(match[2] as string) };
}

function literal(value: string): string | null {
  if (value === 'MINVALUE' || value === 'MAXVALUE') return null;
  const quoted = /^'((?:[^']|'')*)'(?:::text)?$/.exec(value);
  if (!quoted) throw new Error(`unexpected partition bound value: ${value}`);
  return (quoted[1] as string).replaceAll("''", "'");
}
