/**
 * The hot tables' columns, declared once, for the statements written as plain SQL (intake's group
 * commit, the outcome writer, the sending marks): each column's Postgres type as a JSON recordset
 * reads it, `?` where it may be null. test/db/tables.test.ts checks every declaration against
 * schema.prisma, so a column renamed or retyped there fails the test instead of a statement at run
 * time. Rows built for these statements are typed from the same declarations (RowOf).
 */
type ColumnType = 'text' | 'int' | 'boolean' | 'timestamptz' | 'jsonb' | 'bytea' | 'text[]' | `"${string}"`;
export type ColumnSpec = ColumnType | `${ColumnType}?`;

export interface Table<S extends Record<string, ColumnSpec> = Record<string, ColumnSpec>> {
  readonly name: string;
  readonly columns: S;
}

/** A column of a statement: its name in the table and its Postgres type. */
export type Column = readonly [name: string, type: string];

function table<const S extends Record<string, ColumnSpec>>(name: string, columns: S): Table<S> {
  return { name, columns };
}

/** The columns `names` of a table, in that order, as a statement lists them. */
export function columnsOf<S extends Record<string, ColumnSpec>, K extends keyof S & string>(t: Table<S>, names: readonly K[]): Column[] {
  return names.map((name) => [name, (t.columns[name] as string).replace(/\?$/, '')] as const);
}

/** Every column of a table, in declaration order. */
export function allColumns(t: Table): Column[] {
  return columnsOf(t, Object.keys(t.columns));
}

declare const isoText: unique symbol;
/** A timestamp's ISO 8601 text (what JSON.stringify makes of a Date), made once for the many rows that share it. */
export type IsoTimestamp = string & { readonly [isoText]: true };

/**
 * A Date as the rows of one statement carry it when many share it: JSON.stringify calls a Date's
 * toJSON for every row (500 messages of a batch, each with three timestamps: 4.5 against 1.9 µs a
 * message to stringify), text is copied as it is. Postgres reads both alike.
 */
export function isoTimestamp(date: Date): IsoTimestamp {
  return date.toISOString() as IsoTimestamp;
}

type ValueOf<C> = C extends `${infer Base extends ColumnType}?`
  ? ValueOf<Base> | null
  : C extends 'int'
    ? number
    : C extends 'boolean'
      ? boolean
      : C extends 'timestamptz'
        ? Date
        : C extends 'jsonb'
          ? unknown
          : C extends 'bytea'
            ? Buffer
            : C extends 'text[]'
              ? string[]
              : string;

/** A row of these columns of the table, as the application builds it for a statement. */
export type RowOf<T extends Table, K extends keyof T['columns']> = { -readonly [P in K]: ValueOf<T['columns'][P]> };

/** A row for a statement that only writes it: each timestamp a Date or its ISO text (isoTimestamp). */
export type WrittenRowOf<T extends Table, K extends keyof T['columns']> = { -readonly [P in K]: WithIsoText<ValueOf<T['columns'][P]>> };
type WithIsoText<V> = V | (Date extends V ? IsoTimestamp : never);

export const MESSAGES = table('messages', {
  id: 'text', project_id: 'text', domain_id: 'text?', api_key_id: 'text?', test: 'boolean', status: '"MessageStatus"',
  from_email: 'text', from_name: 'text?', subject: 'text', message_id_header: 'text', raw_size: 'int',
  tags: 'text[]?', metadata: 'jsonb', idempotency_key: 'text?', idempotency_hash: 'text?', source: 'text',
  send_at: 'timestamptz?', unsubscribe: 'boolean', template_id: 'text?', template_version: 'int?', template_layout_id: 'text?', template_layout_version: 'int?', created_at: 'timestamptz', updated_at: 'timestamptz',
});

/** A message's raw content, kept apart from its row (retention deletes it; the message stays). */
export const MESSAGE_CONTENTS = table('message_contents', { id: 'text', raw: 'bytea' });

export const RECIPIENTS = table('recipients', {
  id: 'text', message_id: 'text', project_id: 'text', email: 'text', domain: 'text', kind: '"RecipientKind"', status: '"RecipientStatus"',
  attempts: 'int', last_code: 'int?', last_enhanced: 'text?', last_reply: 'text?', last_attempt_at: 'timestamptz?',
  next_attempt_at: 'timestamptz?', sending_until: 'timestamptz?', batch_job_id: 'text?', final_at: 'timestamptz?',
  created_at: 'timestamptz', updated_at: 'timestamptz',
});

export const EVENTS = table('events', {
  id: 'text', project_id: 'text', message_id: 'text?', recipient_id: 'text?', domain_id: 'text?', type: '"EventType"', email: 'text?',
  attempt: 'int?', smtp_code: 'int?', enhanced_code: 'text?', smtp_reply: 'text?', category: 'text?', mx_host: 'text?', mx_ip: 'text?',
  tls_version: 'text?', tls_cipher: 'text?', tls_verified: 'boolean?', duration_ms: 'int?', dedupe_key: 'text?', data: 'jsonb?',
  created_at: 'timestamptz',
});

export const SUPPRESSIONS = table('suppressions', {
  id: 'text', project_id: 'text', email: 'text', reason: '"SuppressionReason"', source_message_id: 'text?', created_at: 'timestamptz',
});

export const WEBHOOK_DELIVERIES = table('webhook_deliveries', {
  id: 'text', endpoint_id: 'text', project_id: 'text', event_id: 'text?', event_type: 'text', payload: 'jsonb', status: '"WebhookDeliveryStatus"',
  next_attempt_at: 'timestamptz?', created_at: 'timestamptz',
});

export const FEEDBACK_REPORTS = table('feedback_reports', {
  id: 'text', project_id: 'text?', message_id: 'text?', kind: 'text', mail_from: 'text', rcpt_to: 'text', size: 'int', raw: 'bytea?',
  created_at: 'timestamptz',
});

/** Every declared table, for the test that checks them against schema.prisma. */
export const HOT_TABLES: readonly Table[] = [MESSAGES, MESSAGE_CONTENTS, RECIPIENTS, EVENTS, SUPPRESSIONS, WEBHOOK_DELIVERIES, FEEDBACK_REPORTS];
