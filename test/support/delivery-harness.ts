import {
  addDomain,
  withoutOrm,
  createStore,
  submit,
  createLogger,
  createProject,
  createResolver,
  type Db,
  type DeliveryJob,
  type Store,
  type SendRequest,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import type { DeliveryDeps } from '../../apps/worker/src/delivery/attempt.ts';
import { deliverMessage } from '../../apps/worker/src/delivery/deliver-message.ts';

import { createDkimKeyStore } from '../../apps/worker/src/signing/dkim-key-store.ts';
import type { DeliveryResult } from '../../apps/worker/src/retry/job-result.ts';
import { startDnsServer, type TestDnsServer } from './dns-server.ts';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, uniqueName } from './env.ts';
import { testIntake, testPrincipal } from './intake.ts';
import { TEST_MX_PORT } from './mx-sink.ts';
import { testSmtpDeps } from './smtp-deps.ts';

const MASTER_KEY = Buffer.from(TEST_MASTER_KEY, 'base64');

/**
 * The delivery pipeline in-process against real parts: Postgres, Redis (connection limits, backoff),
 * a real DNS server on loopback publishing the sending domain's DKIM key, and whatever SMTP sinks the
 * test starts. The clock is the test's: `harness.now` is what the pipeline sees.
 */
export interface DeliveryHarness {
  /** The full client, for fixtures and intake (the worker's paths get deps.db, without Prisma). */
  db: Db;
  store: Store;
  dns: TestDnsServer;
  deps: DeliveryDeps;
  projectId: string;
  senderDomain: string;
  now: Date;
  /** Points `domain`'s MX at these sink addresses (one MX host each, in order). */
  routeDomain(domain: string, ...sinkHosts: string[]): void;
  /** Accepts a message through the real intake; returns its id and delivery jobs. */
  accept(request: Partial<SendRequest> & Pick<SendRequest, 'to'>, options?: { test?: boolean }): Promise<{ id: string; jobs: DeliveryJob[] }>;
  deliver(job: DeliveryJob): Promise<DeliveryResult>;
  close(): Promise<void>;
}

export async function startDeliveryHarness(
  label: string,
  overrides: Partial<DeliveryDeps> = {},
  options: { ed25519?: boolean; databaseUrl?: string } = {},
): Promise<DeliveryHarness> {
  const db = createDb(options.databaseUrl ?? TEST_DATABASE_URL, { poolSize: 4 });
  const log = createLogger('test-delivery', 'silent');
  const store = createStore(db, { log });
  const dns = await startDnsServer();
  const smtp = testSmtpDeps();
  const project = await createProject(db, uniqueName(label));
  const senderDomain = `${uniqueName(label)}.example`;
  const added = await addDomain(db, MASTER_KEY, project.project.id, senderDomain, { ed25519: options.ed25519 });
  for (const record of added.records) dns.set(record.host, [{ type: 'TXT', value: record.value }]);
  await db.domain.update({ where: { id: added.id }, data: { status: 'verified', verifiedAt: new Date() } });

  const harness: DeliveryHarness = {
    db,
    store,
    dns,
    projectId: project.project.id,
    senderDomain,
    now: new Date(),
    deps: undefined as unknown as DeliveryDeps,
    routeDomain(domain, ...hosts) {
      dns.set(domain, hosts.map((_, i) => ({ type: 'MX' as const, preference: 10 * (i + 1), exchange: `mx${i + 1}.${domain}` })));
      hosts.forEach((host, i) => dns.set(`mx${i + 1}.${domain}`, [{ type: 'A', address: host }]));
    },
    async accept(request, options = {}) {
      const intake = testIntake(store, { now: () => harness.now });
      const result = await submit(
        intake,
        testPrincipal(harness.projectId, { test: options.test ?? false }),
        {
          kind: 'fields',
          batch: false,
          messages: [
          {
            from: { email: `sender@${senderDomain}` },
            cc: [],
            bcc: [],
            replyTo: [],
            subject: 'Delivery test',
            text: 'Hello.',
            headers: [],
            attachments: [],
            tags: [],
            metadata: {},
            ...request,
          },
          ],
        },
        { fieldPrefix: () => '', source: 'api' },
      );
      return { id: result.messages[0]?.id as string, jobs: intake.jobs.map((j) => j.data) };
    },
    deliver: (job) => deliverMessage(harness.deps, job),
    async close() {
      await smtp.close();
      await dns.close();
      await db.$disconnect();
    },
  };
  // the worker's view of the database, as its main() makes it: the same pool, no Prisma (createSqlDb),
  // so a worker path that reaches Prisma fails its test; fixtures and intake use `db`
  const workerDb = withoutOrm(db);
  harness.deps = {
    db: workerDb,
    store: createStore(workerDb, { log }),
    resolver: createResolver({ servers: [dns.address], timeoutMs: 1_000, tries: 1 }),
    keys: createDkimKeyStore(workerDb, MASTER_KEY),
    smtp: { ...smtp.deps, clock: () => harness.now },
    masterKey: MASTER_KEY,
    settings: { mxPort: TEST_MX_PORT, retrySchedule: [60_000, 300_000], maxMessageAgeMs: 3_600_000 },
    clock: () => harness.now,
    random: () => 0.5,
    log,
    ...overrides,
  };
  return harness;
}
