import { describe, expect, it } from 'vitest';
import { aggregateMessageStatus, isFinalRecipientStatus } from './message-status.ts';

describe("a message's status summarises its recipients'", () => {
  it.each([
    [['queued'], 'queued'],
    [['delivered', 'delivered'], 'delivered'],
    [['delivered', 'queued'], 'sending'],
    [['delivered', 'deferred', 'queued'], 'deferred'],
    [['delivered', 'bounced'], 'partially_delivered'],
    [['bounced', 'failed'], 'bounced'],
    [['failed', 'suppressed'], 'failed'],
    [['suppressed', 'suppressed'], 'suppressed'],
    [['complained'], 'delivered'],
    [['cancelled', 'cancelled'], 'cancelled'],
  ] as const)('%j → %s', (statuses, expected) => {
    expect(aggregateMessageStatus(statuses)).toBe(expected);
  });

  it('knows which recipient statuses are final', () => {
    expect(isFinalRecipientStatus('delivered')).toBe(true);
    expect(isFinalRecipientStatus('deferred')).toBe(false);
    expect(isFinalRecipientStatus('queued')).toBe(false);
  });
});
