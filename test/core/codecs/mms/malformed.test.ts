// Malformed input fails with an MmsError that names the field and the offset, and never with anything
// else; what the decoder does not know (a header code, an application header) is kept, not refused.
import { describe, expect, it } from 'vitest';
import { decodeMms, encodeMms, isMmsError, MmsError } from '../../../../core/codecs/mms/index.ts';
import { fuzzCase, prng } from './fuzz.ts';
import { DECODABLE, pduBytes } from './mms-vectors.ts';
import { ALL_FIELDS, SAMPLES } from './samples.ts';

function mmsError(hex: string): MmsError {
  try {
    decodeMms(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
  } catch (e) {
    if (!(e instanceof MmsError)) throw new Error(`expected an MmsError, got ${String(e)}`, { cause: e });
    expect(e.code).toBe('NOWSMS_ERR_MMS_PDU');
    expect(isMmsError(e)).toBe(true);
    expect(e.message).toContain(`offset ${e.offset}`);
    return e;
  }
  throw new Error('expected an MmsError, nothing was thrown');
}

describe('MMS decode errors', () => {
  const cases: [string, string, string, number, RegExp][] = [
    ['empty input', '', 'X-Mms-Message-Type', 0, /input is empty/],
    ['an HTML page', '3c68746d6c3e', 'X-Mms-Message-Type', 0, /not an MMS PDU: offset 0 holds 0x3C/],
    ['the message type value missing', '8c', 'X-Mms-Message-Type', 1, /ends/],
    ['an unknown message type', '8c ff', 'X-Mms-Message-Type', 1, /unknown message type 0xFF/],
    ['a Transaction-ID without its NUL', '8c 80 98 4142', 'X-Mms-Transaction-Id', 3, /no terminating NUL/],
    ['a From whose length runs past the end', '8c 80 89 05 80', 'From', 3, /value length 5 but only 1 octet remain/],
    ['a From with neither address token', '8c 80 89 01 82', 'From', 4, /Insert-address-token/],
    ['a Yes/No field holding 0x85', '8c 80 86 85', 'X-Mms-Delivery-Report', 3, /Yes \(0x80\) or No \(0x81\)/],
    ['a Long-integer of length 0', '8c 80 85 00', 'Date', 3, /Long-integer length 0/],
    ['a date past what a Date holds', '8c 80 85 06 ffffffffffff', 'Date', 3, /date out of range/],
    ['a Long-integer above 2^53', '8c 80 8e 08 ffffffffffffffff', 'X-Mms-Message-Size', 3, /too large/],
    ['an expiry with neither token', '8c 80 88 03 82 01 05', 'X-Mms-Expiry', 4, /Relative-token/],
    ['a NUL where a header field belongs', '8c 80 00', 'header', 2, /header field expected, found 0x00/],
    ['a uintvar longer than 5 octets', '8c 80 84 a3 ffffffffff01', 'multipart entry count', 4, /longer than 5 octets/],
    ['more entries than octets', '8c 80 84 a3 7f 01 01 83', 'multipart entry count', 4, /127 entries cannot fit/],
    ['part data running past the end', '8c 80 84 a3 01 01 09 83 4142', 'multipart entry 1 data', 8, /needs 9 octets but only 2 remain/],
    ['part headers running past the end', '8c 80 84 a3 01 09 01 83', 'multipart entry 1 headers', 7, /needs 9 octets/],
    [
      'a part content type of general form cut short',
      '8c 80 84 a3 01 02 00 1f 05',
      'multipart entry 1 content type',
      7,
      /value length 5 but only 0 octets remain/,
    ],
    ['a Content-Type Value-length past the end', '8c 80 84 1f 10 b3', 'Content-Type', 3, /value length 16 but only 1 octet remain/],
    // Found by npm run fuzz: text that is no media type would be written back as something unreadable.
    ['a Content-Type text that is no media type', '8c 80 84 3b 1d 61 2f 62 00', 'Content-Type', 3, /";\\u001da\/b" is not a media type/],
    ['a part content type text that is no media type', '8c 80 84 a3 01 04 00 78 79 7a 00', 'multipart entry 1 content type', 7, /"xyz" is not a media type/],
  ];
  for (const [what, hex, field, offset, message] of cases) {
    it(`${what}: ${field} at offset ${offset}`, () => {
      const e = mmsError(hex);
      expect(e.field).toBe(field);
      expect(e.offset).toBe(offset);
      expect(e.message).toMatch(message);
    });
  }
});

describe('MMS decode input', () => {
  it('a string or nothing is refused with an MmsError, a Uint8Array is read like a Buffer', () => {
    for (const bad of ['8c80', undefined, null, 42]) expect(() => decodeMms(bad as unknown as Buffer)).toThrow(MmsError);
    expect(decodeMms(new Uint8Array([0x8c, 0x83, 0x98, 0x41, 0x00, 0x95, 0x81]))).toEqual({
      messageType: 'm-notifyresp-ind',
      transactionId: 'A',
      status: 'retrieved',
    });
  });
});

describe('MMS decode keeps what it does not know', () => {
  it('an unassigned header code and an application header are kept raw, in order', () => {
    const pdu = decodeMms(Buffer.from('8c 81 98 3100 ff 81 582d466f6f00 62617200 8d 92'.replace(/\s/g, ''), 'hex'));
    expect(pdu.messageType).toBe('m-send-conf');
    expect(pdu.mmsVersion).toBe('1.2');
    expect(pdu.unknownHeaders).toEqual([
      { field: 0x7f, value: Buffer.from([0x81]) },
      { field: 'X-Foo', value: Buffer.from('bar\0') },
    ]);
    expect(decodeMms(encodeMms(pdu))).toEqual(pdu);
  });

  it('a Subject in UTF-16 with either BOM or none, in UTF-8 with a BOM, in Latin-1, ISO-8859-15, an unknown charset', () => {
    const subject = (mib: number, text: Buffer, nuls = 1) => {
      const charset = mib < 128 ? Buffer.from([0x80 | mib]) : Buffer.from([2, mib >> 8, mib & 0xff]);
      const inner = Buffer.concat([charset, text, Buffer.alloc(nuls)]);
      return decodeMms(Buffer.concat([Buffer.from([0x8c, 0x80, 0x96, inner.length]), inner])).subject;
    };
    const le = Buffer.from('Hei ø', 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(subject(1015, Buffer.concat([Buffer.from('fffe', 'hex'), le]), 2)).toBe('Hei ø');
    expect(subject(1015, Buffer.concat([Buffer.from('feff', 'hex'), be]), 2)).toBe('Hei ø');
    expect(subject(1015, be, 2)).toBe('Hei ø'); // no BOM: big-endian, as RFC 2781 says
    expect(subject(1000, be, 2)).toBe('Hei ø'); // ISO-10646-UCS-2
    expect(subject(106, Buffer.concat([Buffer.from('efbbbf', 'hex'), Buffer.from('Grüße', 'utf8')]))).toBe('Grüße');
    expect(subject(4, Buffer.from('Gr\xfc\xdfe', 'latin1'))).toBe('Grüße');
    expect(subject(3, Buffer.from('plain'))).toBe('plain');
    expect(subject(111, Buffer.from([0xa4]))).toBe('€'); // ISO-8859-15
    expect(subject(999, Buffer.from([0x80]))).toBe('€'); // a MIBenum we do not know: windows-1252
  });
});

describe('MMS decode is total (deterministic fuzz)', () => {
  it('5000 random and mutated PDUs: each decodes or throws an MmsError; a decoded one re-encodes (or throws an MmsError) into a PDU that decodes', () => {
    // Seeds: the shared vectors and our own PDUs, the one with every 1.1-1.3 field among them.
    const samples = [...DECODABLE.map(pduBytes).filter((b) => b.length < 30_000), ...[...SAMPLES, ALL_FIELDS].map((p) => encodeMms(p))];
    const rand = prng(20261207);
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const input = fuzzCase(rand, samples);
      let pdu;
      try {
        pdu = decodeMms(input);
        decoded++;
      } catch (e) {
        if (!isMmsError(e)) throw new Error(`case ${i} (${input.toString('hex').slice(0, 200)}): ${String(e)}`, { cause: e });
        expect(e.offset).toBeLessThanOrEqual(input.length);
        refused++;
        continue;
      }
      let again: Buffer;
      try {
        again = encodeMms(pdu);
      } catch (e) {
        if (!isMmsError(e)) throw new Error(`case ${i} re-encode: ${String(e)}`, { cause: e });
        continue;
      }
      // What the encoder writes, the decoder reads: no refusal of our own output.
      decodeMms(again);
    }
    // Both outcomes happen: the fuzz reaches past the first header and into refusals.
    expect(decoded).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
