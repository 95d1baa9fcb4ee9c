import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '@herald/test/support/env.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { createSmtpKey, startSubmissionListener, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';

// Each test connects from loopback addresses of its own, so that one test's counts never touch another's.
const ADDRESS = { connections: '127.0.12.1', failures: '127.0.12.2', sessions: '127.0.12.3', dead: '127.0.12.4', bystander: '127.0.12.5', moreSessions: '127.0.12.6' };

const PER_IP = 3;
const PER_KEY = 2;
const AUTH_FAILURES = 3;
/** The leases of this test's listeners: short, so that a dead listener's connections run out quickly. */
const LEASE_MS = 1_000;

/** Two listener processes of one deployment: two listeners sharing their limits in Redis. */
describe('SMTP submission: limits shared by listener processes', () => {
  let one: SubmissionListener;
  let two: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    const shared = {
      limits: { perIp: PER_IP, perKey: PER_KEY, authFailures: AUTH_FAILURES },
      limitsPrefix: uniquePrefix('smtp-shared'),
      limitTimings: { leaseMs: LEASE_MS, renewEveryMs: 200 },
    };
    [one, two] = await Promise.all([startSubmissionListener(shared), startSubmissionListener(shared)]);
    project = await one.seed('smtp-shared');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  /** A connection from `localAddress` to the listener's STARTTLS port, and its greeting. */
  const connect = async (listener: SubmissionListener, localAddress: string) => {
    const client = await RawSmtpClient.connect(listener.port, { localAddress });
    return { client, greeting: await client.reply() };
  };

  it(`counts a client address's connections across listeners: with ${PER_IP} open on either, both answer 421, and a slot freed on one admits on the other`, async () => {
    const held = [];
    for (const listener of [one, two, one]) {
      const { client, greeting } = await connect(listener, ADDRESS.connections);
      expect(greeting.code).toBe(220);
      held.push(client);
    }
    for (const listener of [one, two]) {
      const { client, greeting } = await connect(listener, ADDRESS.connections);
      expect(greeting.text).toMatch(/^421 4\.7\.0 .*too many connections/);
      await client.waitClosed();
    }
    expect((await connect(two, ADDRESS.bystander)).greeting.code).toBe(220);

    await held[0]?.quit(); // held on listener one
    await waitFor('the slot to be admitted on listener two', async () => {
      const { client, greeting } = await connect(two, ADDRESS.connections);
      client.destroy();
      return greeting.code === 220;
    }, 5_000, 100);
  });

  it(`counts failed logins across listeners: after ${AUTH_FAILURES} spread over both, either answers 421 at connect`, async () => {
    const onOne = await connect(one, ADDRESS.failures);
    await onOne.client.ehlo();
    await onOne.client.startTls();
    await onOne.client.ehlo();
    expect((await onOne.client.authPlain('herald', 'hk_live_wrong')).code).toBe(535);
    expect((await onOne.client.authPlain('herald', 'hk_live_wrong')).code).toBe(535);
    const onTwo = await RawSmtpClient.connect(two.tlsPort, { tls: true, localAddress: ADDRESS.failures });
    expect((await onTwo.reply()).code).toBe(220);
    await onTwo.ehlo();
    expect((await onTwo.authPlain('herald', 'hk_live_wrong')).code).toBe(535);

    // even the right key, on the first listener's open session
    expect((await onOne.client.authPlain('herald', project.key)).text).toMatch(/^421 4\.7\.0 .*failed logins/);
    for (const listener of [one, two]) expect((await connect(listener, ADDRESS.failures)).greeting.text).toMatch(/^421 4\.7\.0 .*failed logins/);
  });

  it(`counts a key's sessions across listeners: beyond ${PER_KEY} on either, AUTH answers 454 on both`, async () => {
    const key = await createSmtpKey(one.db, project.id);
    const first = await authenticatedSession(one.port, key.key, { localAddress: ADDRESS.sessions });
    await authenticatedSession(two.tlsPort, key.key, { tls: true, localAddress: ADDRESS.sessions });
    for (const listener of [one, two]) {
      // from another address: the key's count is the key's, wherever its sessions come from
      const client = await RawSmtpClient.connect(listener.tlsPort, { tls: true, localAddress: ADDRESS.moreSessions });
      await client.reply();
      await client.ehlo();
      expect((await client.authPlain('herald', key.key)).text).toMatch(/^454 4\.7\.0 /);
    }
    await first.quit();
    await waitFor('the session to be given back', async () => {
      const client = await RawSmtpClient.connect(two.tlsPort, { tls: true, localAddress: ADDRESS.moreSessions });
      await client.reply();
      await client.ehlo();
      const ok = (await client.authPlain('herald', key.key)).code === 235;
      client.destroy();
      return ok;
    }, 5_000, 100);
  });

  it('stops counting the connections of a listener that no longer renews them (as if killed) once their lease has run out, though their sockets stay open', async () => {
    // a listener of its own to kill, sharing the others' limits
    const doomed = await startSubmissionListener({ limits: { perIp: PER_IP }, limitsPrefix: one.limitsPrefix, limitTimings: { leaseMs: LEASE_MS, renewEveryMs: 200 } });
    try {
      for (let i = 0; i < PER_IP; i++) expect((await connect(doomed, ADDRESS.dead)).greeting.code).toBe(220);
      expect((await connect(one, ADDRESS.dead)).greeting.code).toBe(421);
      await doomed.limits.stop(); // SIGKILL: no more renewals, no releases; its clients stay connected

      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 300));
      for (let i = 0; i < PER_IP; i++) expect((await connect(i % 2 ? one : two, ADDRESS.dead)).greeting.code).toBe(220);
      // and the live listeners' own connections are renewed past the lease: the next one is refused
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 300));
      expect((await connect(one, ADDRESS.dead)).greeting.code).toBe(421);
    } finally {
      await doomed.close();
    }
  });
});
