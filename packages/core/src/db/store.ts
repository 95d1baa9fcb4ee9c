import { createKeyLookup, type KeyLookup } from '../auth/resolve-api-key.ts';
import { createIntakeCommitter, type IntakeCommitter } from '../intake/commit-messages.ts';
import { createIntakeFactsReader, type IntakeFactsReader } from '../intake/intake-lookups.ts';
import type { Log } from '../logger.ts';
import { createSendingMarks, type SendingMarks } from '../outcomes/mark-sending.ts';
import { createOutcomeWriter, type OutcomeWriter } from '../outcomes/write-outcomes.ts';
import type { Db } from './client.ts';
import { createStaleReads, type StaleReads } from './stale-reads.ts';

/**
 * The hot paths' group readers and writers (db/group-writer.ts), made once per process at start-up
 * and passed to whatever needs them: requests that look a key up, read intake's facts, commit
 * messages, mark recipients as sending or record outcomes while another of the same is under way go
 * together in the next statement. Each process has one Store per database; tests make their own.
 */
export interface Store {
  /** The Prisma client, for everything that is not a hot path; in the worker a client without Prisma (createSqlDb), whose paths are all plain SQL. */
  readonly db: Db;
  /** Reads that may lag: on the read replica when the API has one (DATABASE_READ_URL), else on `db`. */
  readonly staleReads: StaleReads;
  readonly keys: KeyLookup;
  readonly intakeFacts: IntakeFactsReader;
  readonly commits: IntakeCommitter;
  readonly sendingMarks: SendingMarks;
  readonly outcomes: OutcomeWriter;
}

/**
 * `recordRetryMs`: how long an outcome write is retried while Postgres is down (the inbound MX answers
 * 451 sooner than a worker gives up). `readDb`: the read replica's client (the API's, with
 * DATABASE_READ_URL); everything but `staleReads` stays on `db`.
 */
export function createStore(db: Db, options: { log?: Log; recordRetryMs?: number; readDb?: Db | undefined } = {}): Store {
  return {
    db,
    staleReads: createStaleReads(db, options.readDb, { log: options.log }),
    keys: createKeyLookup(db),
    intakeFacts: createIntakeFactsReader(db),
    commits: createIntakeCommitter(db),
    sendingMarks: createSendingMarks(db),
    outcomes: createOutcomeWriter(db, options.log, options.recordRetryMs),
  };
}
