import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEGIN_GENERIC, claimSending, pgPool, recordOutcomes, releaseSending, submit } from '@herald/core';
import { loadJobs } from '../../apps/worker/src/delivery/steps/load.ts';
import { testIntake, testPrincipal } from '../support/intake.ts';
import { throwawayStore, type ThrowawayStore } from '../support/throwaway-store.ts';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** The tables a message's delivery writes to, each read by its keys only (their partitions are named <table>_p…). */
const GROWING = /^(messages|recipients|events|message_contents)_p/;

const seqScans = (node: PlanNode): string[] => [
  ...(node['Node Type'] === 'Seq Scan' && GROWING.test(node['Relation Name'] ?? '') ? [node['Relation Name'] as string] : []),
  ...(node.Plans ?? []).flatMap(seqScans),
];

/**
 * A delivery's statements that find rows by key: the load of a batch, the sending claim and its
 * release, the outcome write and its summary. A prepared statement's generic plan is made the first
 * time it runs on a connection and kept until something invalidates it (an ANALYZE of a table it
 * reads, a partition added). Made while the month's partitions held a few hundred rows (a fresh
 * install, the first hours of a new partition), the outcome write read recipients and messages by
 * sequential scan and hash join, and kept doing so while the partitions grew: with autovacuum off,
 * its cost grew with every message stored (measured in docs/partitioning.md). Their transactions
 * (BEGIN_GENERIC) forbid sequential scans while they plan.
 */
describe("a delivery's statements, planned while the partitions are small", () => {
  let t: ThrowawayStore;

  beforeAll(async () => {
    // one connection: the plans the writes make are the ones explained below
    t = await throwawayStore('plans_small', { poolSize: 1 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds its rows by key, not by reading whole partitions', async () => {
    // a few hundred messages: enough pages that, planned now, a sequential scan looked cheaper than the keys' index
    const request = (i: number) => ({
      from: { email: `app@${t.domain}` }, to: [{ email: `user${i}@example.org` }], cc: [], bcc: [], replyTo: [], subject: `Order ${i}`,
      text: 'Thank you for your order. '.repeat(20), headers: [], attachments: [], tags: [], metadata: {},
    });
    let first: string | undefined;
    for (let call = 0; call < 2; call++) {
      const { messages } = await submit(testIntake(t.store), testPrincipal(t.projectId), { kind: 'fields', batch: true, messages: Array.from({ length: 400 }, (_, i) => request(call * 400 + i)) }, {
        fieldPrefix: (i) => `[${i}].`,
        source: 'api',
      });
      first ??= (messages[0] as { id: string }).id;
    }
    const id = first as string;
    const recipient = await t.db.recipient.findFirstOrThrow({ where: { messageId: id }, select: { id: true, email: true, attempts: true } });
    // the first delivery on this connection: its statements are planned now
    const now = new Date();
    const loaded = await loadJobs(t.db, [{ messageId: id, domain: 'example.org' }]);
    expect([...loaded.values()].map((row) => row.id)).toEqual([id]);
    const until = new Date(now.getTime() + 60_000);
    expect(await claimSending(t.store, [recipient.id], until, now)).toEqual([recipient.id]);
    // a release of another claim (none of this time): changes nothing, plans its statement
    await releaseSending(t.db, [recipient.id], new Date(0));
    expect((await t.db.recipient.findUniqueOrThrow({ where: { id: recipient.id } })).sendingUntil).toEqual(until);
    await recordOutcomes(t.store, {
      message: { id, projectId: t.projectId, tags: [], metadata: {} },
      attempt: { mxHost: 'mx.example.org', mxIp: '127.0.0.1', tls: null, durationMs: 5 },
      results: [{ recipient, outcome: { kind: 'delivered', reply: { code: 250, enhanced: null, text: '250 ok' } } }],
      now,
    });
    expect((await t.db.recipient.findUniqueOrThrow({ where: { id: recipient.id } })).status).toBe('delivered');

    // the plans kept for the next writes, as the writer's transaction sees them (BEGIN_GENERIC)
    const client = await pgPool(t.db).connect();
    try {
      const prepared = await client.query<{ name: string; generic_plans: string }>(
        `SELECT name, generic_plans FROM pg_prepared_statements WHERE name IN ('herald.claim-sending', 'herald.delivery-load', 'herald.record-outcomes', 'herald.record-summary', 'herald.release-sending') ORDER BY name`,
      );
      // each run once, with the plan it keeps
      expect(prepared.rows.map((r) => [r.name, Number(r.generic_plans)])).toEqual([
        ['herald.claim-sending', 1], ['herald.delivery-load', 1], ['herald.record-outcomes', 1], ['herald.record-summary', 1], ['herald.release-sending', 1],
      ]);
      await client.query(BEGIN_GENERIC);
      // EXECUTE takes its arguments as literals (a utility statement has no parameters of its own)
      const explain = async (statement: string, values: string[]) => {
        const args = values.map((v) => client.escapeLiteral(v)).join(', ');
        const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) EXECUTE "${statement}"(${args})`);
        return (rows[0]?.['QUERY PLAN'][0] as { Plan: PlanNode }).Plan;
      };
      const outcomes = await explain('herald.record-outcomes', ['[]', '[]', '[]', `{${id}}`, '[]', '\\x', `{${t.projectId}}`, `{${recipient.id}}`]);
      const summary = await explain('herald.record-summary', ['[]', '[]', `{${id}}`]);
      const load = await explain('herald.delivery-load', [JSON.stringify([{ message_id: id, domain: 'example.org' }]), `{${id}}`]);
      const claim = await explain('herald.claim-sending', ['[]', `{${recipient.id}}`]);
      const release = await explain('herald.release-sending', [`{${recipient.id}}`, now.toISOString()]);
      expect({ load: seqScans(load), claim: seqScans(claim), release: seqScans(release), outcomes: seqScans(outcomes), summary: seqScans(summary) })
        .toEqual({ load: [], claim: [], release: [], outcomes: [], summary: [] });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
