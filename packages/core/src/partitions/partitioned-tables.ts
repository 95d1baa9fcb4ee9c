import { ID_PREFIXES } from '../ids.ts';

/** How much time one partition holds. */
export type PartitionInterval = 'day' | 'week' | 'month';

/**
 * A table partitioned by time: RANGE on its primary key `id`, whose ULID begins with the time the row
 * belongs to (a message's rows carry the message's time, ids.ts), so a range of ids is a range of time,
 * a lookup by id reads one partition, and the primary keys stay what they were (of the foreign keys
 * naming one, only a feedback report's remains: docs/partitioning.md#foreign-keys).
 */
export interface PartitionedTable {
  table: string;
  /** The prefix of the table's ids (ID_PREFIXES): partition bounds are `<prefix>_<ULID time>`. */
  prefix: string;
  interval: PartitionInterval;
  /**
   * How many intervals past the current one are made ahead: enough for days without maintenance (it
   * runs hourly), few because a query that cannot tell the partition from an id reads every one.
   */
  ahead: number;
  /** Storage parameters each partition is created with (a partitioned parent cannot hold them). */
  storage?: string;
  /** Which retention setting drops whole partitions of it; none: kept for good. */
  retention?: 'raw' | 'events';
}

/**
 * Messages and recipients are kept for good, by month (a partition never dropped still keeps each index
 * small enough to stay in memory, and vacuum works on one month). Content goes after
 * HERALD_RETENTION_RAW, one day at a time; events and webhook deliveries after HERALD_RETENTION_EVENTS,
 * a week at a time: a row is dropped at most one interval after its retention has passed.
 */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'messages', prefix: ID_PREFIXES.message, interval: 'month', ahead: 1 },
  // room on each page for the next version of a row (migration 20261205010000_recipients_fillfactor)
  { table: 'recipients', prefix: ID_PREFIXES.recipient, interval: 'month', ahead: 1, storage: 'fillfactor = 60' },
  { table: 'message_contents', prefix: ID_PREFIXES.message, interval: 'day', ahead: 3, retention: 'raw' },
  { table: 'events', prefix: ID_PREFIXES.event, interval: 'week', ahead: 2, retention: 'events' },
  { table: 'webhook_deliveries', prefix: ID_PREFIXES.webhookDelivery, interval: 'week', ahead: 2, retention: 'events' },
];
