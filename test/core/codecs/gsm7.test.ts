import { spawnSync } from 'node:child_process';
import { readVectors } from '../../helpers/vectors.ts';
import { describe, expect, it } from 'vitest';
import { decodeGsm7, encodeGsm7, gsm7Length, isGsm7, packSeptets, unpackSeptets } from '../../../core/codecs/gsm7.ts';

interface PduVector {
  id: string;
  pdu: string;
  type: string;
  text?: string;
  text_non_strict?: string;
  encoding?: string;
  dcs?: number;
  udh?: { iei: number; ref: number; parts: number; part: number };
}

const VECTORS: PduVector[] = readVectors<{ vectors: PduVector[] }>('sms/sms_pdu_vectors.json').vectors;
const vector = (id: string): PduVector => {
  const v = VECTORS.find((x) => x.id === id);
  if (!v) throw new Error(`vector ${id} missing`);
  return v;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const octet = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const concatUdh = (u: { ref: number; parts: number; part: number }): string => `050003${octet(u.ref)}${octet(u.parts)}${octet(u.part)}`;

// Transcribed independently of the implementation from 23.038 §6.2.1; null marks ESC.
// Greek capitals are written as escapes so they cannot be confused with look-alikes.
// prettier-ignore
const ALPHABET: (string | null)[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  '\u0394', '_', '\u03a6', '\u0393', '\u039b', '\u03a9', '\u03a0', '\u03a8',
  '\u03a3', '\u0398', '\u039e', null, 'Æ', 'æ', 'ß', 'É',
  ...' !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§',
  ...'¿abcdefghijklmnopqrstuvwxyzäöñüà',
];

// prettier-ignore
const EXTENSION: [string, number][] = [
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
];

describe('GSM 7-bit alphabet', () => {
  it('round-trips all 127 characters of the default alphabet at their 23.038 code points', () => {
    expect(ALPHABET).toHaveLength(128);
    const codes = ALPHABET.flatMap((ch, code) => (ch === null ? [] : [code]));
    const text = ALPHABET.filter((ch) => ch !== null).join('');
    expect(isGsm7(text)).toBe(true);
    expect(gsm7Length(text)).toBe(127);
    expect(encodeGsm7(text)).toEqual(codes);
    expect(decodeGsm7(codes)).toBe(text);
  });

  it('puts the characters ASCII habits get wrong where 23.038 says', () => {
    expect(encodeGsm7('@$_¤¡§¿')).toEqual([0x00, 0x02, 0x11, 0x24, 0x40, 0x5f, 0x60]);
  });

  it('charges every extension-table character two septets, ESC then its code', () => {
    for (const [ch, code] of EXTENSION) {
      expect(isGsm7(ch)).toBe(true);
      expect(gsm7Length(ch)).toBe(2);
      expect(encodeGsm7(ch)).toEqual([0x1b, code]);
      expect(decodeGsm7([0x1b, code])).toBe(ch);
    }
    expect(gsm7Length('Price: 5€ [ok]')).toBe(14 + 3);
  });

  it('rejects characters outside both tables and names the first one', () => {
    // ç, backtick, tab, the ohm sign (not Greek Ω), a bare ESC and emoji all look harmless.
    for (const ch of ['ç', '`', '\t', '\u2126', '\x1b', 'á', '😀']) {
      expect(isGsm7(`ok ${ch}`)).toBe(false);
    }
    expect(() => encodeGsm7('ok 😀 ç')).toThrow(RangeError);
    expect(() => encodeGsm7('ok 😀 ç')).toThrow(/"😀" \(U\+1F600\) at index 3/);
    expect(() => gsm7Length('naïve')).toThrow(/U\+00EF/);
  });

  it('decodes escapes the way 23.038 tells a receiver to', () => {
    // ESC + unassigned code: show the default-alphabet character for that code.
    expect(decodeGsm7([0x1b, 0x41, 0x1b, 0x65])).toBe('A€');
    // ESC ESC (escape to a further table): shown as a space.
    expect(decodeGsm7([0x1b, 0x1b, 0x41])).toBe(' A');
    // A lone trailing ESC has nothing to escape.
    expect(decodeGsm7([0x68, 0x69, 0x1b])).toBe('hi');
    expect(decodeGsm7([])).toBe('');
    expect(() => decodeGsm7([0x41, 0x80])).toThrow(RangeError);
  });
});

describe('septet packing', () => {
  it('packs "hellohello" into the familiar E8329BFD4697D9EC37', () => {
    const septets = encodeGsm7('hellohello');
    expect(hex(packSeptets(septets))).toBe('E8329BFD4697D9EC37');
    expect(decodeGsm7(unpackSeptets(Buffer.from('E8329BFD4697D9EC37', 'hex'), 10))).toBe('hellohello');
  });

  it('leaves the spare bits zero when 7 septets fill 7 octets (SMS has TP-UDL, no CR padding)', () => {
    expect(hex(packSeptets(encodeGsm7('@@@@@@@')))).toBe('00000000000000');
    expect(unpackSeptets(Buffer.alloc(7), 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('round-trips every length up to 24 septets with every fill-bit count', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0x7f;
    for (let fill = 0; fill <= 6; fill++) {
      for (let n = 0; n <= 24; n++) {
        const septets = Array.from({ length: n }, next);
        const packed = packSeptets(septets, fill);
        expect(packed.length).toBe(Math.ceil((fill + 7 * n) / 8));
        expect(packed[0] === undefined || (packed[0] & ((1 << fill) - 1)) === 0).toBe(true);
        expect(unpackSeptets(packed, n, fill)).toEqual(septets);
      }
    }
  });

  it('refuses impossible fill bits and septet values', () => {
    expect(() => packSeptets([1], 7)).toThrow(RangeError);
    expect(() => unpackSeptets(Buffer.alloc(1), 1, -1)).toThrow(RangeError);
    expect(() => packSeptets([128])).toThrow(RangeError);
  });
});

describe('user data of real PDUs (shared/vectors/sms)', () => {
  // The user data is the tail of the PDU, so its position follows from TP-UDL alone.
  const tail = (pdu: Buffer, udl: number) => ({
    udl: pdu[pdu.length - Math.ceil((udl * 7) / 8) - 1],
    ud: pdu.subarray(pdu.length - Math.ceil((udl * 7) / 8)),
  });

  const plain = VECTORS.filter(
    (v): v is PduVector & { text: string } =>
      typeof v.text === 'string' &&
      v.udh === undefined &&
      (v.encoding === undefined || v.encoding === 'gsm7') &&
      v.dcs === undefined &&
      v.type !== 'status-report',
  );

  it('covers a useful number of single-part GSM messages', () => {
    expect(plain.length).toBeGreaterThanOrEqual(30);
  });

  it.each(plain.map((v) => [v.id, v.text, v] as const))('%s %j', (_id, text, v) => {
    const septets = encodeGsm7(text);
    const pdu = Buffer.from(v.pdu, 'hex');
    const { udl, ud } = tail(pdu, septets.length);
    expect(udl).toBe(septets.length);
    expect(hex(ud)).toBe(hex(packSeptets(septets)));
    expect(decodeGsm7(unpackSeptets(ud, septets.length))).toBe(text);
  });

  it.each(['sms-025', 'sms-026'])('%s: concatenated part from a network, text after a 6-octet UDH with 1 fill bit', (id) => {
    const v = vector(id);
    const text = v.text ?? '';
    const udl = 7 + gsm7Length(text);
    const pdu = Buffer.from(v.pdu, 'hex');
    const { udl: declared, ud } = tail(pdu, udl);
    expect(declared).toBe(udl);
    expect(hex(ud)).toBe(concatUdh(v.udh!) + hex(packSeptets(encodeGsm7(text), 1)));
    expect(decodeGsm7(unpackSeptets(ud.subarray(6), udl - 7, 1))).toBe(text);
  });

  it('ignores a fill bit the sender set to 1 (sms-049, a real delivered PDU)', () => {
    const v = vector('sms-049');
    const text = v.text ?? '';
    const udl = 7 + gsm7Length(text);
    const { ud } = tail(Buffer.from(v.pdu, 'hex'), udl);
    const body = ud.subarray(6);
    expect((body[0] ?? 0) & 1).toBe(1); // 23.040 says zero; this SMSC disagreed
    expect(decodeGsm7(unpackSeptets(body, udl - 7, 1))).toBe(text);
  });

  it('returns the whole septets present when the PDU is cut short (sms-027)', () => {
    // sms-027 is the FONIC PDU of sms-022 minus its final hex digit; Buffer drops the
    // half octet, so the user data starts where it does in the intact PDU.
    const intact = vector('sms-022');
    const udl = gsm7Length(intact.text ?? '');
    const start = intact.pdu.length / 2 - Math.ceil((udl * 7) / 8);
    const truncated = Buffer.from(vector('sms-027').pdu, 'hex');
    expect(truncated[start - 1]).toBe(udl);
    const septets = unpackSeptets(truncated.subarray(start), udl);
    expect(septets).toHaveLength(udl - 1);
    expect(decodeGsm7(septets)).toBe(vector('sms-027').text_non_strict);
  });
});

const PY = '/usr/bin/python3';
const gammuImportable = spawnSync(PY, ['-c', 'import gammu'], { stdio: 'ignore' }).status === 0;
const peersRequired = process.env.NOWSMS_REQUIRE_PEERS === '1';

// Has libgammu split each text itself and encode every part as an SMS-SUBMIT PDU.
const GAMMU_SCRIPT = `
import gammu, json, sys
out = []
for text in json.load(sys.stdin):
    parts = gammu.EncodeSMS({'Class': -1, 'Unicode': False,
                             'Entries': [{'ID': 'ConcatenatedTextLong', 'Buffer': text}]})
    for p in parts:
        p['Number'] = '+123456789'
        p['SMSC'] = {'Location': 0, 'Number': '+1'}
        out.append({'text': p['Text'], 'udh': p['UDH']['Text'].hex().upper(),
                    'pdu': gammu.EncodePDU(p).hex().upper()})
json.dump(out, sys.stdout)
`;

describe('cross-check with a peer implementation', () => {
  it('packs user data, with and without a concatenation UDH, exactly like libgammu', (ctx) => {
    if (!gammuImportable) {
      if (peersRequired) throw new Error(`NOWSMS_REQUIRE_PEERS=1 but ${PY} cannot import gammu`);
      ctx.skip(`${PY} cannot import gammu (python3-gammu not installed)`);
    }
    const texts = ['hellohello', '@@@@@@@', 'Price: 5€ [ok] {x} ^~\\| ' + 'a'.repeat(140), 'a'.repeat(152) + '€' + 'b'.repeat(10)];
    const run = spawnSync(PY, ['-c', GAMMU_SCRIPT], { input: JSON.stringify(texts), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const parts: { text: string; udh: string; pdu: string }[] = JSON.parse(run.stdout);
    expect(parts.length).toBe(6);
    for (const part of parts) {
      const udhOctets = part.udh.length / 2;
      const fill = (7 - ((udhOctets * 8) % 7)) % 7;
      const septets = encodeGsm7(part.text);
      const udl = septets.length + (udhOctets * 8 + fill) / 7;
      const expected = octet(udl) + part.udh + hex(packSeptets(septets, fill));
      expect(part.pdu.slice(-expected.length)).toBe(expected);
    }
  });
});
