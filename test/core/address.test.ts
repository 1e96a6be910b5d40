import { describe, expect, it } from 'vitest';
import { matchesMask, normalizeAddress } from '../../core/address.ts';
import { resolveConfig } from '../../core/config.ts';

const plain = resolveConfig({}, '/tmp').numbering;
const nanp = resolveConfig({ numbering: { countryCode: '1', nationalPrefix: '1', nationalNumberLength: 10 } }, '/tmp').numbering;
const uk = resolveConfig({ numbering: { countryCode: '44' } }, '/tmp').numbering;

describe('normalizeAddress', () => {
  it('makes the three spellings of one number meet', () => {
    for (const n of ['+1 555-000 1111', '15550001111', '+15550001111', '(+1) 555.000.1111']) expect(normalizeAddress(n, plain)).toBe('+15550001111');
  });
  it('reads national numbers the way the config says', () => {
    expect(normalizeAddress('5550001111', nanp)).toBe('+15550001111');
    expect(normalizeAddress('1 555 000 1111', nanp)).toBe('+15550001111');
    expect(normalizeAddress('07700 900123', uk)).toBe('+447700900123');
    expect(normalizeAddress('0044 7700 900123', uk)).toBe('+447700900123');
  });
  it('keeps short codes and alphanumeric senders as they are', () => {
    expect(normalizeAddress('12345', plain)).toBe('12345');
    expect(normalizeAddress('ACME', plain)).toBe('ACME');
  });
  it('refuses what is not an address', () => {
    expect(() => normalizeAddress('', plain)).toThrow(/empty/);
    expect(() => normalizeAddress('+12ab34', plain)).toThrow(/not a phone number/);
    expect(() => normalizeAddress('++1555', plain)).toThrow(/not a phone number/);
  });
});

describe('matchesMask', () => {
  it('matches prefixes, single-digit wildcards and exact numbers', () => {
    expect(matchesMask('+447700900123', '+44*')).toBe(true);
    expect(matchesMask('+15550001111', '+44*')).toBe(false);
    expect(matchesMask('+15550001111', '+1555000111?')).toBe(true);
    expect(matchesMask('+15550001111', '+15550001111')).toBe(true);
  });
});
