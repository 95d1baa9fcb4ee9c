import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { createSmtpKey, startSubmissionListener, type SubmissionListener } from '@herald/test/support/submission-listener.ts';
import { tamperedKey } from '@herald/test/support/scoped-key.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';

// Every test connects from its own loopback address, so that the per-address limits of one test
// (connections, failed logins) never touch another's.
const ADDRESS = {
  plain: '127.0.10.1',
  implicit: '127.0.10.2',
  scope: '127.0.10.3',
  revoked: '127.0.10.4',
  wrong: '127.0.10.5',
  blocked: '127.0.10.6',
  bystander: '127.0.10.7',
  perKey: '127.0.10.8',
  perIp: '127.0.10.9',
  leaving: '127.0.10.10',
};

const AUTH_FAILURES = 3;
const PER_KEY = 2;
const PER_IP = 3;

describe('SMTP submission: who may log in', () => {
  let listener: SubmissionListener;
  let project: TestProject;

  beforeAll(async () => {
    listener = await startSubmissionListener({ limits: { perIp: PER_IP, perKey: PER_KEY, authFailures: AUTH_FAILURES } });
    project = await seedProject(listener.db, 'smtp-auth');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener.close());

  /** Connected to the STARTTLS port, greeted and through STARTTLS and EHLO, not logged in. */
  const tlsSession = async (localAddress: string) => {
    const client = await RawSmtpClient.connect(listener.port, { localAddress });
    expect((await client.reply()).code).toBe(220);
    expect((await client.ehlo()).code).toBe(250);
    expect((await client.startTls()).code).toBe(220);
    expect((await client.ehlo()).code).toBe(250);
    return client;
  };

  it('neither advertises nor accepts AUTH in clear text on the STARTTLS port, and offers it once STARTTLS has completed', async () => {
    const client = await RawSmtpClient.connect(listener.port, { localAddress: ADDRESS.plain });
    expect((await client.reply()).code).toBe(220);
    const clear = await client.ehlo();
    expect(clear.lines).toContain('STARTTLS');
    expect(clear.lines.filter((l) => /^AUTH\b/i.test(l))).toEqual([]);

    // the credentials would cross the wire in clear: refused, and no login happens
    const refused = await client.authPlain('herald', project.key);
    expect(refused.code).toBeGreaterThanOrEqual(500);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).text).toMatch(/^530 5\.7\.0 /);

    expect((await client.startTls()).code).toBe(220);
    const secure = await client.ehlo();
    expect(secure.lines).toContain('AUTH PLAIN LOGIN');
    expect(secure.lines).not.toContain('STARTTLS');
    expect((await client.authPlain('herald', project.key)).code).toBe(235);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
  });

  it('offers AUTH (and no STARTTLS) from the first EHLO on the implicit-TLS port', async () => {
    const client = await RawSmtpClient.connect(listener.tlsPort, { tls: true, localAddress: ADDRESS.implicit });
    expect((await client.reply()).code).toBe(220);
    const ehlo = await client.ehlo();
    expect(ehlo.lines).toContain('AUTH PLAIN LOGIN');
    expect(ehlo.lines).not.toContain('STARTTLS');
    expect((await client.command('STARTTLS')).code).toBeGreaterThanOrEqual(500);
    expect((await client.authPlain('herald', project.key)).code).toBe(235);
  });

  it('refuses with 535 a key without messages:send', async () => {
    const readOnly = await createSmtpKey(listener.db, project.id, { scopes: ['messages:read', 'domains:manage'] });
    const client = await tlsSession(ADDRESS.scope);
    expect((await client.authPlain('herald', readOnly.key)).text).toMatch(/^535 5\.7\.8 /);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(530);
  });

  it('refuses with 535 a key once it is revoked', async () => {
    const key = await createSmtpKey(listener.db, project.id);
    const before = await tlsSession(ADDRESS.revoked);
    expect((await before.authPlain('herald', key.key)).code).toBe(235);
    await before.quit();
    await listener.db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const after = await tlsSession(ADDRESS.revoked);
    expect((await after.authPlain('herald', key.key)).text).toMatch(/^535 5\.7\.8 /);
  });

  it('refuses with 535 a wrong password, with AUTH PLAIN and with AUTH LOGIN', async () => {
    const client = await tlsSession(ADDRESS.wrong);
    expect((await client.authPlain('herald', tamperedKey(project.key))).code).toBe(535);
    expect((await client.command('AUTH LOGIN')).code).toBe(334);
    expect((await client.command(Buffer.from('herald').toString('base64'))).code).toBe(334);
    expect((await client.command(Buffer.from('not-a-key').toString('base64'))).code).toBe(535);
  });

  it(`answers 421 after ${AUTH_FAILURES} failed logins from one address, also to its new connections, while other addresses still log in`, async () => {
    const client = await tlsSession(ADDRESS.blocked);
    for (let i = 0; i < AUTH_FAILURES; i++) expect((await client.authPlain('herald', 'hk_live_wrong')).code).toBe(535);
    // even the right key is refused now, and the connection is closed
    expect((await client.authPlain('herald', project.key)).text).toMatch(/^421 4\.7\.0 /);
    await client.waitClosed();

    const again = await RawSmtpClient.connect(listener.port, { localAddress: ADDRESS.blocked });
    expect((await again.reply()).text).toMatch(/^421 4\.7\.0 .*failed logins/);
    await again.waitClosed();
    const implicit = await RawSmtpClient.connect(listener.tlsPort, { tls: true, localAddress: ADDRESS.blocked });
    expect((await implicit.reply()).code).toBe(421);

    const bystander = await authenticatedSession(listener.port, project.key, { localAddress: ADDRESS.bystander });
    expect((await bystander.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
  });

  it(`answers 454 to a key's AUTH beyond ${PER_KEY} sessions at once, and accepts it again once one has ended`, async () => {
    const key = await createSmtpKey(listener.db, project.id);
    const sessions = [];
    for (let i = 0; i < PER_KEY; i++) sessions.push(await authenticatedSession(listener.port, key.key, { localAddress: ADDRESS.perKey }));
    const extra = await tlsSession(ADDRESS.perKey);
    expect((await extra.authPlain('herald', key.key)).text).toMatch(/^454 4\.7\.0 /);
    // another key of the same project is not limited by this one's sessions
    expect((await extra.authPlain('herald', project.key)).code).toBe(235);

    await sessions[0]?.quit();
    const later = await tlsSession(ADDRESS.perKey);
    await waitFor('the ended session to be given back', async () => (await later.authPlain('herald', key.key)).code === 235, 5_000, 100);
  });

  it(`answers 421 at connect to an address holding ${PER_IP} connections (however often it retries), not to others, and admits it again once one closes`, async () => {
    const held = [];
    for (let i = 0; i < PER_IP; i++) {
      const client = await RawSmtpClient.connect(i % 2 ? listener.tlsPort : listener.port, { tls: i % 2 === 1, localAddress: ADDRESS.perIp });
      expect((await client.reply()).code).toBe(220);
      held.push(client);
    }
    // refused connections must not give back slots they never held
    for (let i = 0; i < 3; i++) {
      const refused = await RawSmtpClient.connect(listener.port, { localAddress: ADDRESS.perIp });
      expect((await refused.reply()).text).toMatch(/^421 4\.7\.0 .*too many connections/);
      await refused.waitClosed();
    }
    const other = await RawSmtpClient.connect(listener.port, { localAddress: ADDRESS.bystander });
    expect((await other.reply()).code).toBe(220);

    await held[0]?.quit();
    await waitFor('a slot to be free again', async () => {
      const retry = await RawSmtpClient.connect(listener.port, { localAddress: ADDRESS.perIp });
      const ok = (await retry.reply()).code === 220;
      retry.destroy();
      return ok;
    }, 5_000, 100);
  });

  it('gives a key its session back when the client leaves while its AUTH is being checked', async () => {
    const key = await createSmtpKey(listener.db, project.id);
    for (let i = 0; i < PER_KEY + 2; i++) {
      const client = await tlsSession(ADDRESS.leaving);
      client.write(`AUTH PLAIN ${Buffer.from(`\0herald\0${key.key}`).toString('base64')}\r\n`);
      client.destroy(); // before the answer
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < PER_KEY; i++) {
      const client = await tlsSession(ADDRESS.leaving);
      expect((await client.authPlain('herald', key.key)).code).toBe(235);
    }
  });
});
