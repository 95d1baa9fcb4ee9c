/**
 * Rows as one JSON parameter of a statement (`json_to_recordset($n::json)`,
 * `jsonb_to_recordset($n::jsonb)`; see insertFromJson).
 *
 * A few rows go as the string JSON.stringify makes. Many go as UTF-8 bytes, stringified a slice of
 * rows at a time: V8 answers a long JSON.stringify as a chain of pieces, and the first read of it
 * (node-postgres measuring the string, then writing it) copies it into one flat string, which above
 * 128 KB is a large object of V8's heap. For 500 message rows of a batch (275 KB) that copy cost
 * more than the stringify itself (docs/performance.md, "A batch's bytes"). The slices stay short,
 * and are written into one Buffer. node-postgres sends a Buffer in Postgres' binary format, in which
 * a json value is its text as is and a jsonb value its text after a version byte (1).
 */
export function jsonRows(rows: readonly unknown[], type: 'json' | 'jsonb'): string | Buffer {
  if (rows.length <= SLICE_ROWS) return JSON.stringify(rows);
  const parts: string[] = [];
  let size = type === 'jsonb' ? 1 : 0;
  for (let i = 0; i < rows.length; i += SLICE_ROWS) {
    const part = JSON.stringify(rows.slice(i, i + SLICE_ROWS));
    parts.push(part);
    size += Buffer.byteLength(part);
  }
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  if (type === 'jsonb') bytes[offset++] = JSONB_VERSION;
  // each part is an array: the next one's "[" becomes the "," after this one's last row, whose "]" is dropped
  parts.forEach((part, i) => {
    const written = bytes.write(part, offset, 'utf8');
    if (i > 0) bytes[offset] = COMMA;
    offset += i < parts.length - 1 ? written - 1 : written;
  });
  return bytes.subarray(0, offset);
}

/** Rows stringified together: a slice of rows of up to a few KB each stays well under 128 KB. */
const SLICE_ROWS = 64;
const JSONB_VERSION = 1;
const COMMA = 0x2c;
