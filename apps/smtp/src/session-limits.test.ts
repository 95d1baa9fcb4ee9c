import { describe, expect, it } from 'vitest';
import { SessionLimits } from './session-limits.ts';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  const clock = { now: start, advance: (ms: number) => void (clock.now += ms) };
  return clock;
}

describe('SessionLimits', () => {
  it('gives each client address its share of connections, and a closed connection its slot back', () => {
    const limits = new SessionLimits({ perIp: 2, perKey: 5, authFailures: 5 });
    expect(limits.openConnection('192.0.2.1')).toBe(true);
    expect(limits.openConnection('192.0.2.1')).toBe(true);
    expect(limits.openConnection('192.0.2.1')).toBe(false);
    expect(limits.openConnection('192.0.2.2')).toBe(true); // another address has its own share

    limits.closeConnection('192.0.2.1', null);
    expect(limits.openConnection('192.0.2.1')).toBe(true);
    expect(limits.openConnection('192.0.2.1')).toBe(false);
  });

  it('gives each key its share of sessions, given back when a connection holding one closes', () => {
    const limits = new SessionLimits({ perIp: 10, perKey: 1, authFailures: 5 });
    limits.openConnection('192.0.2.1');
    expect(limits.openKeySession('key_a')).toBe(true);
    expect(limits.openKeySession('key_a')).toBe(false);
    expect(limits.openKeySession('key_b')).toBe(true);

    limits.closeConnection('192.0.2.1', 'key_a');
    expect(limits.openKeySession('key_a')).toBe(true);
  });

  it('closing a connection without a key leaves the key sessions alone', () => {
    const limits = new SessionLimits({ perIp: 10, perKey: 1, authFailures: 5 });
    limits.openConnection('192.0.2.1');
    limits.openConnection('192.0.2.1');
    expect(limits.openKeySession('key_a')).toBe(true);
    limits.closeConnection('192.0.2.1', null);
    expect(limits.openKeySession('key_a')).toBe(false);
  });

  it('blocks an address after its allowed failed AUTH attempts, until the window has passed', () => {
    const clock = manualClock();
    const limits = new SessionLimits({ perIp: 10, perKey: 10, authFailures: 3, failureWindowMs: 60_000 }, () => clock.now);
    for (let i = 0; i < 2; i++) limits.authFailed('192.0.2.1');
    expect(limits.authBlocked('192.0.2.1')).toBe(false);
    limits.authFailed('192.0.2.1');
    expect(limits.authBlocked('192.0.2.1')).toBe(true);
    expect(limits.authBlocked('192.0.2.2')).toBe(false);

    clock.advance(59_999);
    expect(limits.authBlocked('192.0.2.1')).toBe(true);
    clock.advance(1);
    expect(limits.authBlocked('192.0.2.1')).toBe(false);
  });

  it('counts failures over a sliding window: only the recent ones block', () => {
    const clock = manualClock();
    const limits = new SessionLimits({ perIp: 10, perKey: 10, authFailures: 3, failureWindowMs: 60_000 }, () => clock.now);
    limits.authFailed('192.0.2.1');
    clock.advance(40_000);
    limits.authFailed('192.0.2.1');
    clock.advance(15_000);
    limits.authFailed('192.0.2.1');
    expect(limits.authBlocked('192.0.2.1')).toBe(true);

    clock.advance(5_001); // the first failure is now older than the window
    expect(limits.authBlocked('192.0.2.1')).toBe(false);
    limits.authFailed('192.0.2.1');
    expect(limits.authBlocked('192.0.2.1')).toBe(true);
  });

  it('keeps failures for ten minutes when no window is configured', () => {
    const clock = manualClock();
    const limits = new SessionLimits({ perIp: 10, perKey: 10, authFailures: 1 }, () => clock.now);
    limits.authFailed('192.0.2.1');
    clock.advance(10 * 60_000 - 1);
    expect(limits.authBlocked('192.0.2.1')).toBe(true);
    clock.advance(1);
    expect(limits.authBlocked('192.0.2.1')).toBe(false);
  });
});
