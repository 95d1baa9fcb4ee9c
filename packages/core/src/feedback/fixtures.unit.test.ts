import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedOther } from './fixtures-expected-other.ts';
import { expectedReports } from './fixtures-expected-reports.ts';
import { classifyNotification, type Notification } from './read-notification.ts';
import { deriveFeedbackKeys } from './token-keys.ts';
import { readVerpAddress } from './verp-address.ts';

/**
 * The fixture corpus: notifications written after the formats the major servers produce
 * (fixtures/*.eml, example.com and herald.test addresses; the return paths are signed with the test
 * master key 0x42…, so they verify). Each is read to exactly these fields, once as stored (bare LF
 * line endings) and once with CRLF, as it arrives over SMTP.
 */
const dir = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(dir, name));
const keys = deriveFeedbackKeys(Buffer.alloc(32, 0x42));

const expected: Record<string, Notification> = { ...expectedReports, ...expectedOther };

describe('the fixture corpus', () => {
  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [name, value] of Object.entries(expected)) {
    it(`reads ${name} as a ${value.kind} with exactly the expected fields`, async () => {
      expect(await classifyNotification(fixture(name))).toEqual(value);
    });

    it(`reads ${name} the same with CRLF line endings`, async () => {
      const crlf = Buffer.from(fixture(name).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
      expect(await classifyNotification(crlf)).toEqual(value);
    });
  }

  it('returns signed return paths that verify with the key they were made with, and name the delivery', async () => {
    const postfix = await classifyNotification(fixture('postfix-failed.eml'));
    expect(postfix.kind).toBe('dsn');
    const returnPath = postfix.kind === 'dsn' ? postfix.originalHeaders?.returnPath : undefined;
    expect(readVerpAddress([keys.verp], returnPath ?? '')).toMatchObject({ ok: true, subject: { kind: 'recipient', id: 'rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P' } });
    const yahoo = await classifyNotification(fixture('yahoo-dsn.eml'));
    const yahooPath = yahoo.kind === 'dsn' ? yahoo.originalHeaders?.returnPath : undefined;
    expect(readVerpAddress([keys.verp], yahooPath ?? '')).toMatchObject({ ok: true, subject: { kind: 'message', id: 'msg_01JE3B5C7D9F1G3H5J7K9M1N3Q' } });
  });
});
