// Malformed input fails with a PduError that names the field and the offset, and never with
// anything else: not a TypeError from a missing octet, not a RangeError from a helper.
import { describe, expect, it } from 'vitest';
import { decodePdu, encodeDeliver, encodeStatusReport, encodeSubmit, PduError, type DecodeOptions } from '../../../../core/codecs/pdu/index.ts';
import { vector } from './sms-vectors.ts';

function pduError(fn: () => unknown): PduError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof PduError)) throw new Error(`expected a PduError, got ${String(e)}`, { cause: e });
    expect(e.code).toBe('NOWSMS_ERR_PDU');
    return e;
  }
  throw new Error('expected a PduError, nothing was thrown');
}

// A lenient decode may succeed where a strict one fails; either way only PduError may escape.
function decodesOrPduError(input: string | Buffer, opts: DecodeOptions): void {
  try {
    decodePdu(input, opts);
  } catch (e) {
    if (!(e instanceof PduError)) throw new Error(`${String(e)} escaped for ${Buffer.from(input).toString('hex')}`, { cause: e });
  }
}

const MT = { direction: 'mt' } as const;
const MO = { direction: 'mo' } as const;

// One of each shape: headers, alphanumeric sender, absolute validity, 16-bit ports, TP-PI tail.
const SAMPLES: [string, DecodeOptions][] = [
  [vector('sms-025').pdu, MT],
  [vector('sms-022').pdu, MT],
  [vector('sms-030').pdu, MT],
  [vector('sms-053').pdu, MT],
  [vector('sms-040').pdu, MO],
  [vector('sms-015').pdu, MO],
  [vector('sms-028').pdu, MT],
  [vector('sms-064').pdu, { ...MT, hasSmsc: false }],
];

describe('truncated PDUs', () => {
  it.each(SAMPLES.map(([hex, opts], i) => [i, hex, opts] as const))('sample %i fails at every shorter length with a PduError', (_i, hex, opts) => {
    const whole = decodePdu(hex, opts);
    const octets = hex.length / 2;
    for (let n = 0; n < octets; n++) {
      const cut = hex.slice(0, n * 2);
      // A status report may stop right after TP-ST: everything after it is optional.
      if (whole.type === 'status-report' && whole.parameterIndicator !== undefined && n === octets - tailLength(hex, opts)) {
        const short = decodePdu(cut, opts);
        expect(short.type).toBe('status-report');
        expect(short.type === 'status-report' && short.parameterIndicator).toBeUndefined();
        continue;
      }
      const error = pduError(() => decodePdu(cut, opts));
      expect(error.message.length).toBeGreaterThan(10);
      if (n > 0) expect(error.offset).toBeLessThanOrEqual(n);
      decodesOrPduError(cut, { ...opts, lenient: true });
    }
  });

  it('names the field and where it ran out', () => {
    const hex = vector('sms-018').pdu;
    expect(pduError(() => decodePdu(hex.slice(0, 2 * 12))).message).toMatch(/^TP-OA \(11 semi-octets\) needs 6 octets at offset 11 but only 1 remain$/);
    expect(pduError(() => decodePdu(hex.slice(0, 2 * 20))).message).toBe('TP-SCTS needs 7 octets at offset 19 but only 1 remain');
    expect(pduError(() => decodePdu(hex.slice(0, -4))).message).toBe('TP-UDL says 12 septets (11 octets) but only 9 octets follow at offset 27');
    expect(pduError(() => decodePdu('00')).message).toBe('first octet (TP-MTI) expected at offset 1 but the PDU ends there');
  });
});

function tailLength(hex: string, opts: DecodeOptions): number {
  const d = decodePdu(hex, opts);
  if (d.type !== 'status-report' || d.parameterIndicator === undefined) return 0;
  // TP-PI, then TP-PID, TP-DCS and TP-UDL as announced, then the user data.
  const pi = d.parameterIndicator;
  return 1 + (pi & 1) + ((pi >> 1) & 1) + ((pi >> 2) & 1) + (d.data?.length ?? 0);
}

describe('bad hex', () => {
  it('refuses odd digit counts, foreign characters and empty input', () => {
    expect(pduError(() => decodePdu(`${vector('sms-018').pdu}0`)).message).toMatch(/odd number of digits \(\d+\)/);
    expect(pduError(() => decodePdu('0791G4')).message).toMatch(/"G" at character 4/);
    expect(pduError(() => decodePdu('07 91')).offset).toBe(1);
    expect(pduError(() => decodePdu('')).message).toBe('PDU is empty');
    expect(pduError(() => decodePdu(Buffer.alloc(0))).message).toBe('PDU is empty');
  });

  it('tolerates the line ending a modem leaves on the PDU line, and lower case', () => {
    expect(decodePdu(`${vector('sms-018').pdu.toLowerCase()}\r\n`).text).toBe('How are you?');
  });
});

describe('bad lengths and values', () => {
  const deliver = vector('sms-018').pdu; // 07 SMSC(7) | 04 | 0B 91 ... | 00 | 00 | SCTS | 0C | UD
  const put = (hex: string, octet: number, value: string): string => hex.slice(0, octet * 2) + value + hex.slice(octet * 2 + 2);

  it('an SMSC length beyond 11 octets hints at a bare TPDU', () => {
    const bare = pduError(() => decodePdu('1A0B91'));
    expect(bare.message).toMatch(/SMSC address length says 26 octets at offset 0.*hasSmsc: false/);
    expect(bare.field).toBe('SMSC address');
  });

  it('an address longer than 20 semi-octets', () => {
    expect(pduError(() => decodePdu(put(deliver, 9, '15'))).message).toMatch(/^TP-OA length says 21 semi-octets at offset 9; an address holds at most 20$/);
  });

  it('TP-UDL beyond the maximum, short of the header, or short of the data', () => {
    const udl = 26; // offset of TP-UDL in sms-018
    expect(pduError(() => decodePdu(put(deliver, udl, 'A1'))).message).toMatch(/TP-UDL at offset 26 says 161 septets; user data holds at most 160/);
    expect(pduError(() => decodePdu(put(deliver, udl, '20'))).message).toMatch(/TP-UDL says 32 septets \(28 octets\) but only 11 octets follow at offset 27/);
    const withHeader = vector('sms-025').pdu;
    const udlAt = withHeader.length / 2 - 1 - 140;
    expect(pduError(() => decodePdu(put(withHeader, udlAt, '06'), { lenient: true })).message).toMatch(
      /says 6 septets, fewer than the 7 the 6-octet header takes/,
    );
  });

  it('a header length that runs past the user data', () => {
    const ucs2 = vector('sms-053').pdu;
    const udhlAt = ucs2.length / 2 - 140;
    expect(pduError(() => decodePdu(put(ucs2, udhlAt, 'FA'))).message).toMatch(/UDHL at offset \d+ says 250 octets but only 139 user-data octets follow/);
  });

  it('a header element that overruns the header: refused when strict, header ignored when lenient (23.040)', () => {
    const ucs2 = vector('sms-053').pdu;
    const ieLengthAt = ucs2.length / 2 - 140 + 2;
    const broken = put(ucs2, ieLengthAt, '07');
    expect(pduError(() => decodePdu(broken)).message).toMatch(/UDH element 0x00 at offset \d+ claims 7 octets but the header has 3 left/);
    const lenient = decodePdu(broken, { lenient: true });
    expect(lenient.udh?.elements).toEqual([]);
    expect(lenient.udh?.concat).toBeUndefined();
    expect(lenient.warnings).toHaveLength(1);
    expect(lenient.text).toBe(vector('sms-053').text);
  });

  it('octets after the user data: refused when strict, reported when lenient', () => {
    expect(pduError(() => decodePdu(`${deliver}00`)).message).toMatch(/1 octets follow at offset 38, after the 12 septets \(11 octets\) TP-UDL accounts for/);
    expect(decodePdu(`${deliver}00`, { lenient: true })).toMatchObject({ text: 'How are you?', warnings: [expect.stringMatching(/follow at offset 38/)] });
    const report = `${vector('sms-028').pdu}FF`;
    expect(pduError(() => decodePdu(report)).message).toMatch(/TP-PI extension expected at offset/);
    expect(pduError(() => decodePdu(`${vector('sms-028').pdu}0000`)).message).toMatch(/1 octets follow at offset \d+ that TP-PI \(0x00\) does not announce/);
  });

  it('UCS-2 user data with an odd octet count', () => {
    const hex = encodeSubmit({ to: '+1', data: Buffer.from('0041FF', 'hex') })[0]!.pdu;
    const ucs2 = hex.replace(/0004(03)/, '0008$1');
    expect(pduError(() => decodePdu(ucs2, MO)).message).toMatch(/UCS-2 user data at offset \d+ has an odd number of octets \(3\)/);
    expect(decodePdu(ucs2, { ...MO, lenient: true }).text).toBe('A');
  });

  it('TP-UDHI without user data', () => {
    const hex = encodeSubmit({ to: '+1', text: '' })[0]!.pdu.replace(/^0001/, '0041');
    expect(pduError(() => decodePdu(hex, MO)).message).toMatch(/TP-UDHI is set but no user data follows/);
  });

  it('timestamps that are not dates', () => {
    const scts = 19; // offset of TP-SCTS in sms-018
    expect(pduError(() => decodePdu(put(deliver, scts + 1, '31'))).message).toBe('TP-SCTS month at offset 20 is 13, outside 1-12');
    expect(pduError(() => decodePdu(put(deliver, scts + 3, 'A1'))).message).toBe('TP-SCTS hour at offset 22 is octet 0xA1, not two decimal digits');
    expect(pduError(() => decodePdu(put(put(deliver, scts + 1, '20'), scts + 2, '03'))).message).toMatch(/names 2002-02-30, a day that does not exist/);
    expect(pduError(() => decodePdu(put(deliver, scts + 6, 'F0'))).field).toBe('TP-SCTS');
  });

  it('TP-MTI values this codec does not decode, in either direction', () => {
    expect(pduError(() => decodePdu(vector('sms-054').pdu)).message).toMatch(/TP-MTI at offset 1 is 3 \(first octet 0x43\): a value 23.040 reserves/);
    expect(pduError(() => decodePdu(vector('sms-061').pdu, { hasSmsc: false })).message).toMatch(
      /SMS-SUBMIT-REPORT.*if it is an SMS-SUBMIT, pass direction: 'mo'/,
    );
    expect(pduError(() => decodePdu(vector('sms-018').pdu, MO)).message).toMatch(/SMS-DELIVER-REPORT.*if it is an SMS-DELIVER, pass direction: 'mt'/);
    expect(pduError(() => decodePdu(vector('sms-028').pdu, MO)).message).toMatch(/SMS-COMMAND/);
    expect(pduError(() => decodePdu(vector('sms-018').pdu, { direction: 'up' as 'mt' })).field).toBe('direction');
  });
});

describe('random damage', () => {
  it('mutated and truncated real PDUs decode or fail with a PduError, strict and lenient alike', () => {
    let seed = 2026;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const sources = SAMPLES.map(([hex, opts]) => [Buffer.from(hex, 'hex'), opts] as const);
    for (let round = 0; round < 3000; round++) {
      const [original, opts] = sources[next(sources.length)]!;
      const bytes = Buffer.from(original.subarray(0, original.length - next(4)));
      for (let k = next(4) + 1; k > 0; k--) bytes[next(bytes.length)] = next(256);
      decodesOrPduError(bytes, opts);
      decodesOrPduError(bytes, { ...opts, lenient: true });
      decodesOrPduError(bytes, { ...opts, direction: opts.direction === 'mo' ? 'mt' : 'mo' });
    }
  });
});

describe('encoder options', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const cases: [string, () => unknown, RegExp][] = [
    ['letters in a destination', () => encodeSubmit({ to: '+44 7700 900123', text: 'x' }), /to: "\+44 7700 900123" is not a phone number/],
    ['an alphanumeric destination', () => encodeSubmit({ to: 'NowSMS', text: 'x' }), /to: "NowSMS" is not a phone number/],
    ['21 digits', () => encodeSubmit({ to: `+${'1'.repeat(21)}`, text: 'x' }), /21 digits, an address holds at most 20/],
    ['a TOA without bit 7', () => encodeSubmit({ to: '123', toa: 0x21, text: 'x' }), /to type of address must be an integer 0x80-0xFF/],
    [
      'a name of 12 septets',
      () => encodeDeliver({ from: 'ABCDEFGHIJKL', text: 'x', timestamp: at }),
      /takes 12 septets; an alphanumeric address holds 1 to 11/,
    ],
    ['a name outside GSM 7-bit', () => encodeDeliver({ from: 'Zoë', text: 'x', timestamp: at }), /from: an alphanumeric address must be GSM 7-bit text/],
    ['no text and no data', () => encodeSubmit({ to: '+1' }), /give text or data to send/],
    ['text and data', () => encodeSubmit({ to: '+1', text: 'a', data: Buffer.from('a') }), /give text or data, not both/],
    ['text as 8bit', () => encodeSubmit({ to: '+1', text: 'a', encoding: '8bit' }), /encoding 8bit takes data/],
    ['data as ucs2', () => encodeSubmit({ to: '+1', data: Buffer.from('a'), encoding: 'ucs2' }), /data is 8-bit octets; encoding ucs2 is for text/],
    ['Cyrillic forced to gsm7', () => encodeSubmit({ to: '+1', text: 'Привет', encoding: 'gsm7' }), /text cannot be sent as gsm7: Character "П"/],
    ['class 4', () => encodeSubmit({ to: '+1', text: 'a', messageClass: 4 as 0 }), /messageClass must be 0, 1, 2 or 3/],
    ['zero validity', () => encodeSubmit({ to: '+1', text: 'a', validityMinutes: 0 }), /validityMinutes must be more than 0/],
    ['64 weeks validity', () => encodeSubmit({ to: '+1', text: 'a', validityMinutes: 64 * 7 * 1440 }), /at most 635040 \(63 weeks\)/],
    ['both validities', () => encodeSubmit({ to: '+1', text: 'a', validityMinutes: 5, validityAbsolute: at }), /not both/],
    ['a 9-bit reference', () => encodeSubmit({ to: '+1', text: 'a'.repeat(200), concatRef: 256 }), /concatRef must be an integer 0-255 for a 8-bit reference/],
    ['a 17-bit reference', () => encodeSubmit({ to: '+1', text: 'a'.repeat(200), concat16: true, concatRef: 65536 }), /0-65535/],
    [
      'a port beyond 8 bits',
      () => encodeSubmit({ to: '+1', text: 'a', ports: { source: 1, destination: 300, bits: 8 } }),
      /ports.destination must be an integer 0-255/,
    ],
    ['256 parts', () => encodeSubmit({ to: '+1', text: 'a'.repeat(153 * 256) }), /needs 256 parts; concatenation allows at most 255/],
    ['message reference 256', () => encodeSubmit({ to: '+1', text: 'a', messageReference: 256 }), /messageReference must be an integer 0-255/],
    ['a zone of 10 minutes', () => encodeDeliver({ from: '1', text: 'a', timestamp: { date: at, tzMinutes: 10 } }), /whole number of quarter hours/],
    [
      'the year 2090',
      () => encodeDeliver({ from: '1', text: 'a', timestamp: new Date('2090-01-01T00:00:00Z') }),
      /year 2090 cannot be written with two digits/,
    ],
    ['an invalid date', () => encodeDeliver({ from: '1', text: 'a', timestamp: new Date('nope') }), /timestamp is not a valid date/],
    [
      'status 256',
      () => encodeStatusReport({ recipient: '1', messageReference: 1, status: 256, scTimestamp: at, dischargeTime: at }),
      /status must be an integer 0-255/,
    ],
    [
      'a status report too long for one TPDU',
      () => encodeStatusReport({ recipient: '1', messageReference: 1, status: 0, scTimestamp: at, dischargeTime: at, text: 'a'.repeat(161) }),
      /must fit a single TPDU/,
    ],
  ];

  it.each(cases)('refuses %s with a PduError naming the option', (_name, fn, message) => {
    expect(pduError(fn).message).toMatch(message);
  });
});
