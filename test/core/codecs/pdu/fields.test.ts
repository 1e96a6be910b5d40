// The building blocks, each against values worked out by hand from 23.040 and 23.038.
import { describe, expect, it } from 'vitest';
import {
  decodeAddress,
  decodeDcs,
  decodePdu,
  decodeSmscAddress,
  decodeSemiOctets,
  decodeTimestamp,
  encodeAddress,
  encodeDcs,
  encodeSemiOctets,
  encodeSmscAddress,
  encodeTimestamp,
  PduError,
  relativeMinutes,
  relativeValue,
  statusClass,
  type DecodedSubmit,
} from '../../../../core/codecs/pdu/index.ts';
import { Leniency } from '../../../../core/codecs/pdu/leniency.ts';
import { parseUdh } from '../../../../core/codecs/pdu/udh.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

describe('semi-octets (23.040 §9.1.2.3)', () => {
  it('swaps nibbles and pads an odd count with F', () => {
    expect(hex(encodeSemiOctets('12345'))).toBe('2143F5');
    expect(hex(encodeSemiOctets('1234'))).toBe('2143');
    expect(decodeSemiOctets(Buffer.from('2143F5', 'hex'), 5)).toBe('12345');
    expect(decodeSemiOctets(Buffer.from('2143F5', 'hex'))).toBe('12345');
  });

  it('codes * # a b c as 1010-1110', () => {
    expect(hex(encodeSemiOctets('*#'))).toBe('BA');
    expect(hex(encodeSemiOctets('abc'))).toBe('DCFE');
    expect(decodeSemiOctets(Buffer.from([0xba, 0xdc, 0xfe]))).toBe('*#abc');
  });
});

describe('addresses (23.040 §9.1.2.5, 27.005 §3.1)', () => {
  const read = (bytes: Buffer) => decodeAddress(bytes, 'TP-OA');

  it('encodes numbers with the 27.005 default types of address', () => {
    expect(hex(encodeAddress('+447700900123', { option: 'to', allowAlphanumeric: false }))).toBe('0C91447700091032');
    expect(hex(encodeAddress('12345', { option: 'to', allowAlphanumeric: false }))).toBe('05812143F5');
    expect(hex(encodeAddress('0821234567', { option: 'to', toa: 0xa1, allowAlphanumeric: false }))).toBe('0AA18012325476');
  });

  it('counts the SMSC prefix in octets, type of address included, and writes none as 00', () => {
    expect(hex(encodeSmscAddress('+447785016005'))).toBe('0791447758100650');
    expect(hex(encodeSmscAddress(undefined))).toBe('00');
    expect(hex(encodeSmscAddress(''))).toBe('00');
    expect(decodeSmscAddress(Buffer.from('0791447758100650', 'hex'))?.number).toBe('+447785016005');
    expect(decodeSmscAddress(Buffer.from('00', 'hex'))).toBeUndefined();
  });

  it('packs alphanumeric names and gives their length in semi-octets', () => {
    // "Hi": 'H' 0x48 and 'i' 0x69 pack into C8 34; 14 bits take 4 semi-octets.
    expect(hex(encodeAddress('Hi', { option: 'from', allowAlphanumeric: true }))).toBe('04D0C834');
    for (let n = 1; n <= 11; n++) {
      const name = 'ABCDEFGHIJK'.slice(0, n);
      const encoded = encodeAddress(name, { option: 'from', allowAlphanumeric: true });
      expect(encoded[0]).toBe(Math.ceil((n * 7) / 4));
      expect(read(encoded)).toEqual({ number: name, type: 'alphanumeric', ton: 5, npi: 0, toa: 0xd0 });
    }
  });

  it('reads every type of number, and "+" only before international digits', () => {
    const types = ['unknown', 'international', 'national', 'network-specific', 'subscriber', 'alphanumeric', 'abbreviated', 'reserved'];
    types.forEach((type, ton) => {
      if (type === 'alphanumeric') return;
      const a = read(Buffer.from([0x03, 0x80 | (ton << 4) | 0x01, 0x21, 0xf3]));
      expect(a).toEqual({ number: ton === 1 ? '+123' : '123', digits: '123', type, ton, npi: 1, toa: 0x80 | (ton << 4) | 1 });
    });
  });

  it('reads an empty address', () => {
    expect(read(Buffer.from([0x00, 0x81]))).toMatchObject({ number: '', digits: '' });
  });
});

describe('timestamps (23.040 §9.2.3.11)', () => {
  it('reads local time, zone and instant', () => {
    expect(decodeTimestamp(Buffer.from('62116201020340', 'hex'), 'TP-SCTS', 0)).toEqual({
      date: new Date('2026-11-26T09:20:30Z'),
      iso: '2026-11-26T10:20:30+01:00',
      tzMinutes: 60,
    });
  });

  it('takes the sign from bit 3 of the zone octet', () => {
    // -3 h is 12 quarters: tens digit 1 plus the sign bit gives 9 in the low nibble.
    expect(decodeTimestamp(Buffer.from('62116201020329', 'hex'), 'TP-SCTS', 0)).toMatchObject({ iso: '2026-11-26T10:20:30-03:00', tzMinutes: -180 });
    expect(decodeTimestamp(Buffer.from('6211620102032B', 'hex'), 'TP-SCTS', 0).date).toEqual(new Date('2026-11-26T18:20:30Z'));
    // A negative zero is just zero.
    expect(decodeTimestamp(Buffer.from('62116201020308', 'hex'), 'TP-SCTS', 0).tzMinutes).toBe(0);
  });

  it('puts two-digit years 90-99 in the 1990s and the rest in this century', () => {
    expect(decodeTimestamp(Buffer.from('09101010101000', 'hex'), 'x', 0).iso.slice(0, 4)).toBe('1990');
    expect(decodeTimestamp(Buffer.from('98101010101000', 'hex'), 'x', 0).iso.slice(0, 4)).toBe('2089');
    expect(decodeTimestamp(Buffer.from('00101010101000', 'hex'), 'x', 0).iso.slice(0, 4)).toBe('2000');
  });

  it('writes what it reads', () => {
    for (const tzMinutes of [-840, -570, -60, 0, 15, 330, 1185]) {
      const date = new Date('2031-02-28T23:59:59Z');
      const encoded = encodeTimestamp({ date, tzMinutes }, 'x');
      expect(decodeTimestamp(encoded, 'x', 0)).toMatchObject({ date, tzMinutes });
    }
    expect(hex(encodeTimestamp(new Date('2026-11-26T10:20:30.999Z'), 'x'))).toBe('62116201020300');
  });
});

describe('validity period (23.040 §9.2.3.12)', () => {
  it.each([
    [0, 5],
    [143, 12 * 60],
    [144, 12 * 60 + 30],
    [167, 24 * 60],
    [168, 2 * 1440],
    [196, 30 * 1440],
    [197, 5 * 7 * 1440],
    [255, 63 * 7 * 1440],
  ])('TP-VP %i is %i minutes', (vp, minutes) => {
    expect(relativeMinutes(vp)).toBe(minutes);
    expect(relativeValue(minutes)).toBe(vp);
  });

  it('rounds a period between two steps up to the next one', () => {
    for (let minutes = 1; minutes <= 63 * 7 * 1440; minutes += minutes < 2000 ? 1 : 997) {
      const vp = relativeValue(minutes);
      expect(relativeMinutes(vp)).toBeGreaterThanOrEqual(minutes);
      if (vp > 0) expect(relativeMinutes(vp - 1)).toBeLessThan(minutes);
    }
  });

  const enhanced = (vp: string): DecodedSubmit => decodePdu(`0009000191F10000${vp}00`, { direction: 'mo' }) as DecodedSubmit;

  it('reads the enhanced format (VPF 01) with its single-shot flag', () => {
    expect(enhanced('421E0000000000').validity).toEqual({ format: 'enhanced', raw: Buffer.from('421E0000000000', 'hex'), singleShot: true, seconds: 30 });
    expect(enhanced('01AA0000000000').validity).toMatchObject({ singleShot: false, seconds: 4 * 86400 });
    expect(enhanced('03103000000000').validity).toMatchObject({ seconds: 3600 + 3 * 60 });
    expect(enhanced('00000000000000').validity).not.toHaveProperty('seconds');
    expect(enhanced('02000000000000').validity).not.toHaveProperty('seconds');
  });
});

describe('data coding scheme (23.038 §4)', () => {
  it.each([
    [0x00, { group: 'general', encoding: 'gsm7', compressed: false }],
    [0x04, { group: 'general', encoding: '8bit' }],
    [0x08, { group: 'general', encoding: 'ucs2' }],
    [0x0c, { group: 'general', encoding: 'gsm7', reserved: true }],
    [0x10, { encoding: 'gsm7', messageClass: 0 }],
    [0x15, { encoding: '8bit', messageClass: 1 }],
    [0x1a, { encoding: 'ucs2', messageClass: 2 }],
    [0x20, { encoding: 'gsm7', compressed: true }],
    [0x48, { group: 'auto-delete', encoding: 'ucs2' }],
    [0x93, { group: 'reserved', encoding: 'gsm7', reserved: true }],
    [0xc8, { group: 'message-waiting', encoding: 'gsm7', messageWaiting: { store: false, active: true, kind: 'voicemail' } }],
    [0xd1, { group: 'message-waiting', encoding: 'gsm7', messageWaiting: { store: true, active: false, kind: 'fax' } }],
    [0xea, { group: 'message-waiting', encoding: 'ucs2', messageWaiting: { store: true, active: true, kind: 'email' } }],
    [0xf0, { group: 'data-class', encoding: 'gsm7', messageClass: 0 }],
    [0xf6, { group: 'data-class', encoding: '8bit', messageClass: 2 }],
  ] as const)('DCS %i', (raw, expected) => {
    expect(decodeDcs(raw)).toMatchObject({ raw, ...expected });
  });

  it('writes the general group, with the class bit only when a class is given', () => {
    expect([encodeDcs('gsm7'), encodeDcs('8bit'), encodeDcs('ucs2')]).toEqual([0x00, 0x04, 0x08]);
    expect([encodeDcs('gsm7', 0), encodeDcs('8bit', 1), encodeDcs('ucs2', 3)]).toEqual([0x10, 0x15, 0x1b]);
  });

  it('leaves compressed user data as octets, without text', () => {
    const d = decodePdu('00010001 91F1 0020 03 AABBCC'.replace(/ /g, ''), { direction: 'mo' });
    expect(d.text).toBeUndefined();
    expect(d.data).toEqual(Buffer.from('AABBCC', 'hex'));
  });
});

describe('user data header (23.040 §9.2.3.24)', () => {
  const parse = (body: number[], lenient = false) => parseUdh(Buffer.from([body.length, ...body]), 0, new Leniency(lenient));

  it('reads 8- and 16-bit concatenation and ports', () => {
    expect(parse([0x00, 3, 7, 3, 2]).concat).toEqual({ ref: 7, total: 3, seq: 2, refBits: 8 });
    expect(parse([0x08, 4, 0x12, 0x34, 3, 2]).concat).toEqual({ ref: 0x1234, total: 3, seq: 2, refBits: 16 });
    expect(parse([0x04, 2, 245, 250]).ports).toEqual({ destination: 245, source: 250, bits: 8 });
    expect(parse([0x05, 4, 0x0b, 0x84, 0x23, 0xf0]).ports).toEqual({ destination: 2948, source: 9200, bits: 16 });
  });

  it('uses the last occurrence of a repeated element', () => {
    expect(parse([0x00, 3, 1, 2, 1, 0x00, 3, 9, 2, 2]).concat).toEqual({ ref: 9, total: 2, seq: 2, refBits: 8 });
  });

  it('ignores concatenation with no parts, part 0, or a part beyond the count, but keeps the element', () => {
    for (const body of [
      [0x00, 3, 5, 0, 0],
      [0x00, 3, 5, 2, 0],
      [0x00, 3, 5, 2, 3],
    ]) {
      const udh = parse(body);
      expect(udh.concat).toBeUndefined();
      expect(udh.elements).toHaveLength(1);
    }
  });

  it('keeps elements it does not interpret, and known ones of the wrong size, as raw data', () => {
    const udh = parse([0x24, 1, 1, 0x00, 4, 1, 2, 1, 0]);
    expect(udh.elements).toEqual([
      { iei: 0x24, data: Buffer.from([1]) },
      { iei: 0x00, data: Buffer.from([1, 2, 1, 0]) },
    ]);
    expect(udh.concat).toBeUndefined();
  });

  it('drops the whole header when its last element does not fit, or refuses it when strict', () => {
    expect(() => parse([0x00, 3, 1, 2, 1, 0x05, 4, 1])).toThrow(PduError);
    const leniency = new Leniency(true);
    const udh = parseUdh(Buffer.from([6, 0x00, 3, 1, 2, 1, 0x05]), 0, leniency);
    expect(udh.elements).toEqual([]);
    expect(leniency.warnings).toEqual(['UDH element 0x05 at offset 6 has no length octet (UDHL is 6)']);
  });
});

describe('TP-ST classes (23.040 §9.2.3.15)', () => {
  it.each([
    [0x00, 'delivered'],
    [0x02, 'delivered'],
    [0x1f, 'delivered'],
    [0x20, 'pending'],
    [0x3f, 'pending'],
    [0x40, 'failed'],
    [0x5f, 'failed'],
    [0x60, 'failed'],
    [0x7f, 'failed'],
    [0x80, 'failed'],
    [0xff, 'failed'],
  ] as const)('%i is %s', (status, cls) => {
    expect(statusClass(status)).toBe(cls);
  });
});
