import { readVectors } from '../../helpers/vectors.ts';
import { describe, expect, it } from 'vitest';
import { decodeUcs2, encodeUcs2, ucs2Length } from '../../../core/codecs/ucs2.ts';

interface PduVector {
  id: string;
  pdu: string;
  text?: string;
  encoding?: string;
  udh?: unknown;
}

const VECTORS: PduVector[] = readVectors<{ vectors: PduVector[] }>('sms/sms_pdu_vectors.json').vectors;
const vector = (id: string): PduVector => {
  const v = VECTORS.find((x) => x.id === id);
  if (!v) throw new Error(`vector ${id} missing`);
  return v;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

describe('UCS-2 / UTF-16BE', () => {
  it('writes BMP text as big-endian code units', () => {
    expect(hex(encodeUcs2('Русский'))).toBe('0420044304410441043A04380439');
    expect(hex(encodeUcs2('あ叶葉'))).toBe('304253F68449');
    expect(hex(encodeUcs2(''))).toBe('');
  });

  it('sends emoji as surrogate pairs that count as two units', () => {
    expect(hex(encodeUcs2('😀'))).toBe('D83DDE00');
    expect(ucs2Length('😀')).toBe(2);
    expect(ucs2Length('Hi 👋🏽!')).toBe(1 + 1 + 1 + 2 + 2 + 1);
    expect(decodeUcs2(Buffer.from('D83DDE00', 'hex'))).toBe('😀');
  });

  it('round-trips mixed scripts, flags and ZWJ sequences unchanged', () => {
    const text = 'Grüße, Привет, 你好, مرحبا 🇪🇸 👨‍👩‍👧 €';
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
    expect(encodeUcs2(text).length).toBe(2 * ucs2Length(text));
  });

  it('ignores an odd trailing byte and leaves the caller’s bytes alone', () => {
    const data = new Uint8Array([0x00, 0x41, 0x04, 0x1f, 0x00]);
    expect(decodeUcs2(data)).toBe('AП');
    expect([...data]).toEqual([0x00, 0x41, 0x04, 0x1f, 0x00]);
    expect(decodeUcs2(new Uint8Array([0x00]))).toBe('');
  });
});

describe('user data of real PDUs (shared/vectors/sms)', () => {
  // sms-053 carries a UDH that its record does not mention, so it gets its own test.
  const plain = VECTORS.filter(
    (v): v is PduVector & { text: string } => v.encoding === 'ucs2' && typeof v.text === 'string' && v.udh === undefined && v.id !== 'sms-053',
  );

  it.each(plain.map((v) => [v.id, v.text, v] as const))('%s %j', (_id, text, v) => {
    const pdu = Buffer.from(v.pdu, 'hex');
    const ud = encodeUcs2(text);
    expect(pdu[pdu.length - ud.length - 1]).toBe(ud.length); // TP-UDL counts octets for UCS2
    expect(hex(pdu.subarray(pdu.length - ud.length))).toBe(hex(ud));
    expect(decodeUcs2(pdu.subarray(pdu.length - ud.length))).toBe(text);
  });

  it('decodes a concatenated part after its UDH (sms-053, Megafon)', () => {
    // The UDH is not asserted by the source; it is read from the PDU: 8-bit ref 0x56, part 1 of 2.
    const v = vector('sms-053');
    const pdu = Buffer.from(v.pdu, 'hex');
    const ud = pdu.subarray(pdu.length - 140);
    expect(pdu[pdu.length - 141]).toBe(140);
    expect(hex(ud.subarray(0, 6))).toBe('050003560201');
    expect(decodeUcs2(ud.subarray(6))).toBe(v.text);
  });

  it('decodes what is present when TP-UDL overstates it (sms-050)', () => {
    const v = vector('sms-050');
    const pdu = Buffer.from(v.pdu, 'hex');
    const udhStart = v.pdu.lastIndexOf('050003000301') / 2;
    expect(pdu[udhStart - 1]).toBe(0xa0); // claims 160 octets, 10 follow
    expect(decodeUcs2(pdu.subarray(udhStart + 6))).toBe('はい');
  });
});
