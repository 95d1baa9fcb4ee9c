import { describe, expect, it } from 'vitest';
import { eventId, hasIdShape, idInTimeOf, newId, timePartOf, webhookDeliveryId } from './ids.ts';

describe('ids', () => {
  it('are prefixed by type and sort by creation time', () => {
    const ids = [newId('message', 1_000), newId('message', 1_000), newId('message', 2_000)];
    expect(ids.every((id) => hasIdShape('message', id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    expect(newId('event')).toMatch(/^evt_/);
    expect(hasIdShape('message', newId('event'))).toBe(false);
  });

  it('minted for an earlier time than the last carry that time (it decides their partition), and stay unique', async () => {
    const { decodeTime } = await import('ulid');
    const now = Date.now();
    newId('message', now);
    const past = now - 40 * 86_400_000;
    const [a, b] = [newId('message', past), newId('message', past)];
    expect(decodeTime((a).slice(4))).toBe(past);
    expect(decodeTime((b).slice(4))).toBe(past);
    expect(a).not.toBe(b);
    expect(decodeTime(newId('message').slice(4))).toBeGreaterThanOrEqual(now);
  });
});

describe('ids in the time of another', () => {
  const message = newId('message', Date.UTC(2026, 0, 15, 12));
  const later = Date.UTC(2026, 5, 1);

  it('carry the parent id’s 10 time characters, whatever time they are minted at', () => {
    const recipient = idInTimeOf('recipient', message, null, later);
    expect(hasIdShape('recipient', recipient)).toBe(true);
    expect(recipient.slice('rcpt_'.length, 'rcpt_'.length + 10)).toBe(message.slice(4, 14));
    expect(timePartOf(recipient)).toBe(timePartOf(message));
    expect(timePartOf(recipient)).not.toBe(timePartOf(newId('message', later)));
  });

  it('have random suffixes that increase across ids minted at one instant, so a message’s recipients keep their order', () => {
    const ids = Array.from({ length: 50 }, () => idInTimeOf('recipient', message, null, later));
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
  });

  it('are the same for the same suffix source and differ for another one', () => {
    const a = idInTimeOf('event', message, 'delivered:rcpt_1');
    expect(idInTimeOf('event', message, 'delivered:rcpt_1', later)).toBe(a);
    expect(idInTimeOf('event', message, 'delivered:rcpt_2')).not.toBe(a);
    expect(hasIdShape('event', a)).toBe(true);
    // 16 characters derived from sha256('delivered:rcpt_1'), Crockford base32 (its first 80 bits)
    expect(a.slice(14)).toBe('F97CNGVT3G5TXQHK');
  });

  it('give an event of a message its message’s time (deterministic with a dedupe key), and an event of no message its own', () => {
    const keyed = eventId({ messageId: message, dedupeKey: 'attempt:rcpt_1:2' }, later);
    expect(keyed).toBe(eventId({ messageId: message, dedupeKey: 'attempt:rcpt_1:2' }, later + 60_000));
    expect(timePartOf(keyed)).toBe(timePartOf(message));
    const unkeyed = [eventId({ messageId: message, dedupeKey: null }, later), eventId({ messageId: message, dedupeKey: null }, later)];
    expect(unkeyed[0]).not.toBe(unkeyed[1]);
    expect(unkeyed.map(timePartOf)).toEqual([timePartOf(message), timePartOf(message)]);
    expect(timePartOf(eventId({ messageId: null, dedupeKey: null }, later))).toBe(timePartOf(newId('domain', later)));
  });

  it('give a webhook delivery its event’s time, the same for one (endpoint, event) pair', () => {
    const event = eventId({ messageId: message, dedupeKey: 'delivered:rcpt_1' });
    const endpoint = newId('webhook', later);
    const delivery = webhookDeliveryId(endpoint, event);
    expect(hasIdShape('webhookDelivery', delivery)).toBe(true);
    expect(timePartOf(delivery)).toBe(timePartOf(message));
    expect(webhookDeliveryId(endpoint, event)).toBe(delivery);
    expect(webhookDeliveryId(newId('webhook', later), event)).not.toBe(delivery);
  });

  it('refuse a parent that is not an id', () => {
    expect(() => idInTimeOf('event', 'msg_1')).toThrow(/not a Herald id/);
  });
});
