import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { verifyDkim } from '../support/dkim-verify.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';

/**
 * The walking skeleton, end to end: the CLI creates a project and a domain, the API and the worker run
 * as separate OS processes (`herald start api`, `herald start worker`), a real DNS server on loopback
 * serves the MX and DKIM records, and an smtp-server instance is the recipient's MX.
 */
describe('a message sent over HTTP reaches the recipient MX, DKIM-signed', () => {
  let stack: HeraldStack;
  let sender: string;
  let recipientDomain: string;
  let db: pg.Pool;

  beforeAll(async () => {
    stack = await startHeraldStack({
      label: 'skeleton',
      sink: {
        rcpt: (address) => {
          if (address.startsWith('nobody@')) return { code: 550, message: '5.1.1 <nobody>: Recipient address rejected: User unknown' };
          if (address.startsWith('busy@')) return { code: 451, message: '4.3.0 Mailbox temporarily unavailable, try later' };
          return undefined;
        },
      },
    });
    ({ senderDomain: sender, recipientDomain } = stack);
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  async function countRows(): Promise<{ messages: number; recipients: number; events: number }> {
    const result = await db.query<{ messages: string; recipients: string; events: string }>(
      `SELECT (SELECT count(*) FROM messages WHERE project_id = $1) AS messages,
              (SELECT count(*) FROM recipients WHERE project_id = $1) AS recipients,
              (SELECT count(*) FROM events WHERE project_id = $1) AS events`,
      [stack.projectId],
    );
    const row = result.rows[0] as { messages: string; recipients: string; events: string };
    return { messages: Number(row.messages), recipients: Number(row.recipients), events: Number(row.events) };
  }

  it('delivers the message, signed with a DKIM signature that verifies against the published record, and reports delivered with the MX reply', async () => {
    const response = await stack.send({
      from: `Skeleton <hello@${sender}>`,
      to: [`alice@${recipientDomain}`],
      subject: 'Hello from the walking skeleton',
      text: 'It works.\n.\nA line with only a dot above.',
      html: '<p>It works.</p>',
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { id: string; status: string };
    expect(accepted.id).toMatch(/^msg_[0-9A-Z]{26}$/);
    expect(accepted.status).toBe('queued');

    // committed before the answer: the row exists the moment 202 arrives
    const stored = await db.query('SELECT status FROM messages WHERE id = $1', [accepted.id]);
    expect(stored.rowCount).toBe(1);

    const received = await stack.waitForReceived(accepted.id);
    expect(received.rcptTo).toEqual([`alice@${recipientDomain}`]);
    expect(received.secure).toBe(true);
    expect(received.raw.toString()).toContain('It works.');

    const signatures = await verifyDkim(received.raw, stack.dns);
    expect(signatures).toHaveLength(1);
    expect(signatures[0]).toMatchObject({ domain: sender, result: 'pass', algorithm: 'rsa-sha256' });

    const message = await stack.waitForStatus(accepted.id, 'delivered');
    expect(message.recipients).toEqual([expect.objectContaining({ email: `alice@${recipientDomain}`, status: 'delivered' })]);
    expect(message.events.map((e) => e.type)).toEqual(['queued', 'delivered']);
    const delivered = message.events[1];
    expect(delivered?.smtp?.code).toBe(250);
    expect(delivered?.smtp?.message).toMatch(/Ok: queued as \d+/);
    expect(delivered?.mx_host).toBe(`mx1.${recipientDomain}`);
    expect(delivered?.mx_ip).toBe(stack.sink.host);
    expect(delivered?.tls?.version).toMatch(/^TLSv1\.[23]$/);
  });

  it('records a 5xx reply at RCPT as bounced and does not retry', async () => {
    const response = await stack.send({ from: `hello@${sender}`, to: `nobody@${recipientDomain}`, subject: 'bounce', text: 'x' });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const message = await stack.waitForStatus(id, 'bounced');
    expect(message.recipients[0]).toMatchObject({ status: 'bounced', next_attempt_at: null });
    const bounced = message.events.find((e) => e.type === 'bounced');
    expect(bounced?.smtp).toMatchObject({ code: 550, enhanced_code: '5.1.1' });
    expect(bounced?.smtp?.message).toContain('User unknown');
  });

  it('records a 4xx reply at RCPT as deferred, with the next attempt scheduled', async () => {
    const response = await stack.send({ from: `hello@${sender}`, to: `busy@${recipientDomain}`, subject: 'defer', text: 'x' });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const message = await stack.waitForStatus(id, 'deferred');
    const nextAttempt = message.recipients[0]?.next_attempt_at;
    expect(nextAttempt).not.toBeNull();
    expect(new Date(nextAttempt as string).getTime()).toBeGreaterThan(Date.now());
    const deferred = message.events.find((e) => e.type === 'deferred');
    expect(deferred?.smtp).toMatchObject({ code: 451, enhanced_code: '4.3.0' });
  });

  it('answers 401 to an unknown API key and stores nothing', async () => {
    const before = await countRows();
    const response = await stack.send(
      { from: `hello@${sender}`, to: `alice@${recipientDomain}`, subject: 'x', text: 'x' },
      { apiKey: 'hk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await countRows()).toEqual(before);
  });

  it('answers 400 naming the invalid field and stores nothing', async () => {
    const before = await countRows();
    const response = await stack.send({ from: `hello@${sender}`, to: ['alice@', `bob@${recipientDomain}`], subject: 'x', text: 'x' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { field: string; message: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details).toContainEqual(expect.objectContaining({ field: 'to.0' }));
    expect(await countRows()).toEqual(before);
  });
});
