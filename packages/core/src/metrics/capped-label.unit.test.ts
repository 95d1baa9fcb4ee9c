import { describe, expect, it } from 'vitest';
import { createCappedLabel, OTHER_LABEL } from './capped-label.ts';

describe('a capped label', () => {
  it('keeps the first N distinct values and names every later one `other`', () => {
    const label = createCappedLabel(2);
    expect(label('mx1.example.com')).toBe('mx1.example.com');
    expect(label('mx2.example.net')).toBe('mx2.example.net');
    expect(label('mx3.example.org')).toBe(OTHER_LABEL);
    expect(label('mx4.example.org')).toBe(OTHER_LABEL);
  });

  it('keeps an admitted value by its name after the cap is reached', () => {
    const label = createCappedLabel(1);
    expect(label('mx1.example.com')).toBe('mx1.example.com');
    expect(label('mx2.example.com')).toBe(OTHER_LABEL);
    expect(label('mx1.example.com')).toBe('mx1.example.com');
  });

  it('compares host names case-insensitively, so one host takes one place', () => {
    const label = createCappedLabel(1);
    expect(label('MX1.Example.COM')).toBe('mx1.example.com');
    expect(label('mx1.example.com')).toBe('mx1.example.com');
    expect(label('mx2.example.com')).toBe(OTHER_LABEL);
  });

  it('never grows past the cap, however many values arrive', () => {
    const label = createCappedLabel(50);
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(label(`mx${i}.example.com`));
    expect(seen.size).toBe(51);
    expect(seen.has(OTHER_LABEL)).toBe(true);
  });

  it('names a missing value `unknown` without taking a place', () => {
    const label = createCappedLabel(1);
    expect(label(null)).toBe('unknown');
    expect(label('')).toBe('unknown');
    expect(label('mx1.example.com')).toBe('mx1.example.com');
  });

  it('with a cap of 0 names every value `other`', () => {
    expect(createCappedLabel(0)('mx1.example.com')).toBe(OTHER_LABEL);
  });
});
