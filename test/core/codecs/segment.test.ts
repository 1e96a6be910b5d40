import { readVectors } from '../../helpers/vectors.ts';
import { describe, expect, it } from 'vitest';
import { encodeGsm7, gsm7Length, packSeptets } from '../../../core/codecs/gsm7.ts';
import { planSms, segmentCount, type SmsPlan } from '../../../core/codecs/segment.ts';
import { decodeUcs2, encodeUcs2 } from '../../../core/codecs/ucs2.ts';

interface PduVector {
  id: string;
  pdu: string;
  text?: string;
  text_full_message?: string;
  udh?: { ref: number; parts: number; part: number };
}

const VECTORS: PduVector[] = readVectors<{ vectors: PduVector[] }>('sms/sms_pdu_vectors.json').vectors;
const vector = (id: string): PduVector => {
  const v = VECTORS.find((x) => x.id === id);
  if (!v) throw new Error(`vector ${id} missing`);
  return v;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const octet = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

// What every plan must satisfy whatever the text: lossless, within capacity, and each
// segment decodable on its own.
function expectSound(text: string, plan: SmsPlan, capacity: number): void {
  expect(plan.segments.join('')).toBe(text);
  expect(plan.unitsPerSegment).toHaveLength(plan.segments.length);
  plan.segments.forEach((seg, i) => {
    const units = plan.encoding === 'gsm7' ? encodeGsm7(seg).length : seg.length;
    expect(plan.unitsPerSegment[i]).toBe(units);
    if (plan.segments.length > 1) expect(units).toBeLessThanOrEqual(capacity);
    if (plan.encoding === 'ucs2') {
      expect(isLow(seg.charCodeAt(0))).toBe(false);
      expect(isHigh(seg.charCodeAt(seg.length - 1))).toBe(false);
      expect(decodeUcs2(encodeUcs2(seg))).toBe(seg);
    }
  });
}

describe('choosing the encoding', () => {
  it('uses GSM 7-bit when every character fits, UCS-2 otherwise', () => {
    expect(planSms('Meet at 5 [room €2]').encoding).toBe('gsm7');
    expect(planSms('Meet at 5 ça va').encoding).toBe('ucs2');
    expect(planSms('On my way 🚗').encoding).toBe('ucs2');
  });

  it('honours a forced encoding and refuses to force GSM on text that does not fit', () => {
    expect(planSms('hello', { encoding: 'ucs2' })).toEqual({
      encoding: 'ucs2',
      segments: ['hello'],
      unitsPerSegment: [5],
    });
    expect(() => planSms('Привет', { encoding: 'gsm7' })).toThrow(RangeError);
  });

  it('plans the empty string as one empty segment', () => {
    expect(planSms('')).toEqual({ encoding: 'gsm7', segments: [''], unitsPerSegment: [0] });
    expect(segmentCount('')).toBe(1);
  });

  it('rejects a UDH size that leaves no room for text', () => {
    expect(() => planSms('hi', { udhBytes: 139 })).toThrow(RangeError);
    expect(() => planSms('hi', { udhBytes: -1 })).toThrow(RangeError);
  });
});

describe('GSM 7-bit limits', () => {
  it('fits 160 plain characters in one SMS and splits 161 into 153 + 8', () => {
    expect(planSms('a'.repeat(160)).unitsPerSegment).toEqual([160]);
    const plan = planSms('a'.repeat(161));
    expect(plan.unitsPerSegment).toEqual([153, 8]);
    expect(segmentCount('a'.repeat(161))).toBe(2);
    expectSound('a'.repeat(161), plan, 153);
  });

  it('counts extension characters twice against the limit', () => {
    expect(planSms('€'.repeat(80)).unitsPerSegment).toEqual([160]);
    // 161 septets: 76 euros fill 152 of the 153, the 77th needs 2 more and moves on.
    expect(planSms('€'.repeat(80) + 'a').unitsPerSegment).toEqual([152, 9]);
  });

  it('moves a € that would straddle the segment boundary to the next segment', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const plan = planSms(text);
    expect(plan.unitsPerSegment).toEqual([152, 12]);
    expect(plan.segments[1]?.startsWith('€')).toBe(true);
    expectSound(text, plan, 153);
    // One septet earlier it fits exactly.
    expect(planSms('a'.repeat(151) + '€' + 'b'.repeat(10)).unitsPerSegment).toEqual([153, 10]);
  });

  it('leaves 152 septets per segment with a 16-bit reference (7-octet UDH)', () => {
    expect(planSms('a'.repeat(161), { udhBytes: 7 }).unitsPerSegment).toEqual([152, 9]);
    expect(segmentCount('a'.repeat(153 * 3))).toBe(3);
    expect(segmentCount('a'.repeat(153 * 3), { udhBytes: 7 })).toBe(4);
  });
});

describe('UCS-2 limits', () => {
  it('fits 70 units in one SMS and splits 71 into 67 + 4', () => {
    expect(planSms('я'.repeat(70)).unitsPerSegment).toEqual([70]);
    const plan = planSms('я'.repeat(71));
    expect(plan.unitsPerSegment).toEqual([67, 4]);
    expectSound('я'.repeat(71), plan, 67);
    expect(planSms('я'.repeat(71), { udhBytes: 7 }).unitsPerSegment).toEqual([66, 5]);
  });

  it('moves an emoji that would straddle the 67-unit boundary whole into the next segment', () => {
    const text = 'я'.repeat(66) + '😀' + 'я'.repeat(10);
    const plan = planSms(text);
    expect(plan.unitsPerSegment).toEqual([66, 12]);
    expect(plan.segments[1]?.startsWith('😀')).toBe(true);
    expectSound(text, plan, 67);
  });

  it('splits a three-segment message with emoji at both boundaries', () => {
    // 🎉 would occupy units 66-67 and 👍 units 66-67 of the second segment.
    const text = 'Ж'.repeat(66) + '🎉' + 'Ж'.repeat(64) + '👍' + 'Ж'.repeat(3) + '🙂';
    const plan = planSms(text);
    expect(plan.encoding).toBe('ucs2');
    expect(plan.unitsPerSegment).toEqual([66, 66, 7]);
    expect(plan.segments.map((s) => [...s][0])).toEqual(['Ж', '🎉', '👍']);
    expectSound(text, plan, 67);
  });
});

describe('any text', () => {
  it('joins back exactly and keeps every pair whole', () => {
    const pieces = ['a', ' ', '€', '{', '\f', 'é', 'Ω', 'я', '中', '😀', '👨‍👩‍👧', '\n'];
    let seed = 42;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 200; round++) {
      const gsmOnly = round % 2 === 0;
      const pool = gsmOnly ? pieces.slice(0, 7) : pieces;
      let text = '';
      const length = next(400);
      for (let i = 0; i < length; i++) text += pool[next(pool.length)];
      const plan = planSms(text);
      if (gsmOnly) expect(plan.encoding).toBe('gsm7');
      expectSound(text, plan, plan.encoding === 'gsm7' ? 153 : 67);
    }
  });
});

describe('splits other implementations produced (shared/vectors/sms)', () => {
  const concatPart = (seg: string, ref: number, parts: number, part: number): string => {
    const septets = encodeGsm7(seg);
    // 6-octet UDH + 1 fill bit = 7 septets ahead of the text.
    const udh = `050003${octet(ref)}${octet(parts)}${octet(part)}`;
    return octet(7 + septets.length) + udh + hex(packSeptets(septets, 1));
  };

  it.each([
    { source: 'python-messaging', ids: ['sms-015', 'sms-016', 'sms-017'], ref: 0x88, units: [153, 153, 13] },
    { source: 'python-gsmmodem', ids: ['sms-041', 'sms-042', 'sms-043'], ref: 0x00, units: [153, 153, 133] },
  ])('$source ($ids.0..): our parts are its parts, byte for byte', ({ ids, ref, units }) => {
    const text = vector(ids[0] ?? '').text_full_message ?? '';
    const plan = planSms(text);
    expect(plan.unitsPerSegment).toEqual(units);
    plan.segments.forEach((seg, i) => {
      const expected = concatPart(seg, ref, ids.length, i + 1);
      expect(vector(ids[i] ?? '').pdu.slice(-expected.length)).toBe(expected);
    });
  });

  it('splits a real network message with € the way the sender did (sms-025/026)', () => {
    const parts = [vector('sms-025').text ?? '', vector('sms-026').text ?? ''];
    expect(parts[0]).toContain('€');
    expect(gsm7Length(parts[0] ?? '')).toBe(153);
    expect(planSms(parts.join('')).segments).toEqual(parts);
  });

  it('fills a UCS-2 part with exactly 67 units like a real sender (sms-053)', () => {
    const first = vector('sms-053').text ?? '';
    expect(first.length).toBe(67);
    // The rest of the message is not in the vector; any continuation past 70 units will do.
    expect(planSms(first + 'afon — продолжение').segments[0]).toBe(first);
  });
});
