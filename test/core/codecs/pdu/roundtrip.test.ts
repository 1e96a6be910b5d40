// Encode then decode: what the encoders produce must read back as what was asked for, across
// segment boundaries, header variants, classes, sender kinds and time zones.
import { describe, expect, it } from 'vitest';
import {
  decodePdu,
  encodeDeliver,
  encodeStatusReport,
  encodeSubmit,
  type DecodedDeliver,
  type DecodedStatusReport,
  type DecodedSubmit,
  type EncodedPdu,
} from '../../../../core/codecs/pdu/index.ts';

const submits = (parts: EncodedPdu[]): DecodedSubmit[] => parts.map((p) => decodePdu(p.pdu, { direction: 'mo' }) as DecodedSubmit);
const delivers = (parts: EncodedPdu[]): DecodedDeliver[] => parts.map((p) => decodePdu(p.pdu) as DecodedDeliver);
const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

// Every concatenated set carries one reference, counts 1..n in order, and stays within the largest
// TPDU 23.040 allows (164 octets: an SMS-SUBMIT with a 12-octet address, absolute validity and 140 of data).
function expectConcatenated(decoded: (DecodedSubmit | DecodedDeliver)[], refBits: 8 | 16): void {
  const ref = decoded[0]?.udh?.concat?.ref;
  decoded.forEach((d, i) => {
    expect(d.udh?.concat).toEqual({ ref, total: decoded.length, seq: i + 1, refBits });
    expect(d.tpduLength).toBeLessThanOrEqual(164);
  });
}

describe('SMS-SUBMIT round trips', () => {
  it('keeps a 3-part UCS-2 message with emoji whole, never splitting a surrogate pair', () => {
    // A part holds 67 units; after 66 the emoji's pair cannot fit and must move on whole.
    const text = `${'ж'.repeat(66)}😀${'ы'.repeat(60)}🚀🚀${'я'.repeat(60)}👍`;
    const parts = encodeSubmit({ to: '+447700900123', text, concatRef: 42 });
    const decoded = submits(parts);
    expect(decoded).toHaveLength(3);
    expectConcatenated(decoded, 8);
    for (const d of decoded) {
      expect(d.dcs.encoding).toBe('ucs2');
      expect(d.data.length).toBeLessThanOrEqual(134);
      const t = d.text ?? '';
      expect(isLow(t.charCodeAt(0)) || isHigh(t.charCodeAt(t.length - 1))).toBe(false);
    }
    expect(decoded[0]?.text).toBe('ж'.repeat(66));
    expect(decoded.map((d) => d.text).join('')).toBe(text);
    expect(decoded[0]?.udh?.concat?.ref).toBe(42);
  });

  it('moves an extension character that would straddle a 7-bit boundary into the next part', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    const decoded = submits(encodeSubmit({ to: '+447700900123', text }));
    expect(decoded.map((d) => d.text)).toEqual(['a'.repeat(152), `€${'b'.repeat(10)}`]);
    expectConcatenated(decoded, 8);
    // 7 septets of header (6 octets and one fill bit) plus the text's septets, ESC included.
    expect(decoded.map((d) => d.data.length + 7)).toEqual([159, 19]);
    expect(decoded.every((d) => d.dcs.encoding === 'gsm7')).toBe(true);
  });

  it('fills a 7-bit part with exactly 153 septets, and one with a header of its own stays 160 when single', () => {
    const single = submits(encodeSubmit({ to: '+447700900123', text: 'x'.repeat(160) }));
    expect(single).toHaveLength(1);
    expect(single[0]?.udh).toBeUndefined();
    const two = submits(encodeSubmit({ to: '+447700900123', text: 'x'.repeat(161) }));
    expect(two.map((d) => d.text?.length)).toEqual([153, 8]);
  });

  it('uses 16-bit concatenation references on request (IEI 0x08), leaving 152 septets a part', () => {
    const text = 'y'.repeat(400);
    const decoded = submits(encodeSubmit({ to: '+447700900123', text, concat16: true, concatRef: 0xbeef }));
    expectConcatenated(decoded, 16);
    expect(decoded[0]?.udh?.concat?.ref).toBe(0xbeef);
    expect(decoded[0]?.udh?.elements).toEqual([{ iei: 0x08, data: Buffer.from([0xbe, 0xef, 3, 1]) }]);
    expect(decoded.map((d) => d.text?.length)).toEqual([152, 152, 96]);
    expect(decoded.map((d) => d.text).join('')).toBe(text);
  });

  it('picks a random reference when none is given, the same for all parts', () => {
    const refs = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const decoded = submits(encodeSubmit({ to: '+447700900123', text: 'z'.repeat(200) }));
      expectConcatenated(decoded, 8);
      refs.add(decoded[0]?.udh?.concat?.ref ?? -1);
    }
    expect(refs.size).toBeGreaterThan(1);
  });

  it('addresses application ports, 16-bit by default and 8-bit on request', () => {
    const [wide] = submits(encodeSubmit({ to: '+447700900123', data: Buffer.from('0123', 'hex'), ports: { source: 9200, destination: 2948 } }));
    expect(wide?.udh?.ports).toEqual({ source: 9200, destination: 2948, bits: 16 });
    expect(wide?.udh?.concat).toBeUndefined();
    expect(wide?.data).toEqual(Buffer.from('0123', 'hex'));
    expect(wide?.text).toBeUndefined();
    expect(wide?.dcs.encoding).toBe('8bit');
    const [narrow] = submits(encodeSubmit({ to: '+447700900123', text: 'ping', ports: { source: 250, destination: 245, bits: 8 } }));
    expect(narrow?.udh?.ports).toEqual({ source: 250, destination: 245, bits: 8 });
    expect(narrow?.text).toBe('ping');
  });

  it('splits 8-bit data with ports into parts that each carry the ports and the concatenation header', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const decoded = submits(encodeSubmit({ to: '+447700900123', data, ports: { source: 9200, destination: 2948 }, concatRef: 1 }));
    expectConcatenated(decoded, 8);
    // 140 - UDHL - concatenation (5) - ports (6) = 128 octets a part.
    expect(decoded.map((d) => d.data.length)).toEqual([128, 128, 44]);
    expect(decoded.every((d) => d.udh?.ports?.destination === 2948)).toBe(true);
    expect(Buffer.concat(decoded.map((d) => d.data))).toEqual(data);
    expect(submits(encodeSubmit({ to: '+447700900123', data: data.subarray(0, 140) }))).toHaveLength(1);
    expect(submits(encodeSubmit({ to: '+447700900123', data: data.subarray(0, 141) }))).toHaveLength(2);
  });

  it('splits text that fits 160 septets alone but not beside a port header', () => {
    // A 16-bit port element leaves room for 152 septets in a single part.
    const fits = submits(encodeSubmit({ to: '+447700900123', text: 'p'.repeat(152), ports: { source: 1, destination: 2 } }));
    expect(fits).toHaveLength(1);
    // Concatenated, the header (12 octets) leaves 146 septets: the euro's ESC pair would need 147.
    const text = `${'q'.repeat(145)}€${'r'.repeat(10)}`;
    const decoded = submits(encodeSubmit({ to: '+447700900123', text, ports: { source: 1, destination: 2 } }));
    expect(decoded.map((d) => d.text)).toEqual(['q'.repeat(145), `€${'r'.repeat(10)}`]);
    expectConcatenated(decoded, 8);
  });

  it('sends flash (class 0) messages in both alphabets, and the other classes', () => {
    const [gsm] = submits(encodeSubmit({ to: '+447700900123', text: 'Flash!', messageClass: 0 }));
    expect(gsm?.dcs).toMatchObject({ raw: 0x10, encoding: 'gsm7', messageClass: 0 });
    const [ucs] = submits(encodeSubmit({ to: '+447700900123', text: 'Вспышка', messageClass: 0 }));
    expect(ucs?.dcs).toMatchObject({ raw: 0x18, encoding: 'ucs2', messageClass: 0 });
    for (const messageClass of [1, 2, 3] as const) {
      expect(submits(encodeSubmit({ to: '+447700900123', text: 'c', messageClass }))[0]?.dcs.messageClass).toBe(messageClass);
    }
    expect(submits(encodeSubmit({ to: '+447700900123', text: 'c' }))[0]?.dcs.messageClass).toBeUndefined();
  });

  it('carries the status-report request, validity, reference, reject-duplicates and reply path', () => {
    const [d] = submits(
      encodeSubmit({ to: '+447700900123', text: 'v', statusReport: true, validityMinutes: 60, messageReference: 200, rejectDuplicates: true, replyPath: true }),
    );
    expect(d).toMatchObject({ statusReportRequest: true, messageReference: 200, rejectDuplicates: true, replyPath: true });
    expect(d?.validity).toEqual({ format: 'relative', raw: 11, minutes: 60 });
    const absolute = { date: new Date('2026-11-26T09:20:30Z'), tzMinutes: 60 };
    const [a] = submits(encodeSubmit({ to: '+447700900123', text: 'v', validityAbsolute: absolute }));
    expect(a?.validity).toEqual({ format: 'absolute', timestamp: { date: absolute.date, iso: '2026-11-26T10:20:30+01:00', tzMinutes: 60 } });
  });

  it('encodes national numbers, short codes and an explicit SMSC with the types of address 27.005 uses', () => {
    const parts = encodeSubmit({ to: '07700900123', text: 'n', smsc: '+447785016005' });
    const [d] = submits(parts);
    expect(d?.destination).toEqual({ number: '07700900123', digits: '07700900123', type: 'unknown', ton: 0, npi: 1, toa: 0x81 });
    expect(d?.smsc?.number).toBe('+447785016005');
    expect(parts[0]?.tpduLength).toBe(parts[0]!.pdu.length / 2 - 8);
    const [national] = submits(encodeSubmit({ to: '07700900123', toa: 0xa1, text: 'n' }));
    expect(national?.destination.type).toBe('national');
    const [short] = submits(encodeSubmit({ to: '*100#', text: 'n' }));
    expect(short?.destination.number).toBe('*100#');
  });
});

describe('SMS-DELIVER round trips', () => {
  const at = { date: new Date('2026-11-26T13:20:30Z'), tzMinutes: -180 };

  // 7 characters leave 7 spare bits (a phantom "@" if the length were wrong); 11 is the maximum;
  // "[1]" costs two escapes; "@" is septet 0.
  it.each(['NowSMS', 'A', 'ABCDEFG', 'ABCDEFGHIJK', 'Tea [1]', 'Ñoño@Häus'])('carries the alphanumeric originator %j', (name) => {
    const [d] = delivers(encodeDeliver({ from: name, text: 'hello', timestamp: at }));
    expect(d?.originator).toMatchObject({ number: name, type: 'alphanumeric', toa: 0xd0 });
    expect(d?.originator.digits).toBeUndefined();
  });

  it('carries numeric originators, international and national', () => {
    const [intl] = delivers(encodeDeliver({ from: '+27821234567', text: 'x', timestamp: at }));
    expect(intl?.originator).toMatchObject({ number: '+27821234567', digits: '27821234567', type: 'international', toa: 0x91 });
    const [nat] = delivers(encodeDeliver({ from: '0821234567', fromToa: 0xa1, text: 'x', timestamp: at }));
    expect(nat?.originator).toMatchObject({ number: '0821234567', type: 'national', toa: 0xa1 });
  });

  it.each([
    [-180, '2026-11-26T10:20:30-03:00'],
    [-570, '2026-11-26T03:50:30-09:30'],
    [-15, '2026-11-26T13:05:30-00:15'],
    [0, '2026-11-26T13:20:30+00:00'],
    [345, '2026-11-26T19:05:30+05:45'],
    [840, '2026-11-27T03:20:30+14:00'],
  ])('keeps a zone of %i minutes and the instant: %s', (tzMinutes, iso) => {
    const date = new Date('2026-11-26T13:20:30Z');
    const [d] = delivers(encodeDeliver({ from: '+1', text: 't', timestamp: { date, tzMinutes } }));
    expect(d?.serviceCentreTimestamp).toEqual({ date, iso, tzMinutes });
  });

  it('produces what a modem hands over for a concatenated UCS-2 and a 7-bit message', () => {
    const text = `Привет 👋 ${'ё'.repeat(80)}`;
    const decoded = delivers(encodeDeliver({ from: 'Bank', text, timestamp: at, concatRef: 9 }));
    expectConcatenated(decoded, 8);
    expect(decoded.map((d) => d.text).join('')).toBe(text);
    const [seven] = delivers(encodeDeliver({ from: '+4917212220', text: 'Viel Spaß im Ausland. 3,45 €', timestamp: at }));
    expect(seven?.text).toBe('Viel Spaß im Ausland. 3,45 €');
    expect(seven).toMatchObject({ moreMessagesToSend: false, statusReportIndication: false, replyPath: false, protocolId: 0 });
  });

  it('sets the flags a simulator needs', () => {
    const [d] = delivers(
      encodeDeliver({
        from: '+1',
        text: 'f',
        timestamp: at,
        moreMessagesToSend: true,
        statusReportIndication: true,
        replyPath: true,
        loopPrevention: true,
        messageClass: 2,
      }),
    );
    expect(d).toMatchObject({ moreMessagesToSend: true, statusReportIndication: true, replyPath: true, loopPrevention: true });
    expect(d?.dcs.messageClass).toBe(2);
  });
});

describe('SMS-STATUS-REPORT round trips', () => {
  const scTimestamp = { date: new Date('2026-11-26T09:00:00Z'), tzMinutes: 60 };
  const dischargeTime = { date: new Date('2026-11-26T09:00:05Z'), tzMinutes: -300 };

  it.each([
    [0x00, 'delivered'],
    [0x21, 'pending'],
    [0x46, 'failed'],
    [0x63, 'failed'],
  ] as const)('reports TP-ST %i as %s', (status, statusClass) => {
    const encoded = encodeStatusReport({ recipient: '+447700900123', messageReference: 77, status, scTimestamp, dischargeTime, smsc: '+447785016005' });
    const d = decodePdu(encoded.pdu) as DecodedStatusReport;
    expect(d).toMatchObject({ type: 'status-report', messageReference: 77, status, statusClass, reportFor: 'submit', moreMessagesToSend: false });
    expect(d.recipient.number).toBe('+447700900123');
    expect(d.scTimestamp.iso).toBe('2026-11-26T10:00:00+01:00');
    expect(d.dischargeTime.iso).toBe('2026-11-26T04:00:05-05:00');
    expect(d.parameterIndicator).toBeUndefined();
    expect(d.smsc?.number).toBe('+447785016005');
  });

  it('carries the optional PID, DCS and user data behind TP-PI', () => {
    const encoded = encodeStatusReport({
      recipient: '12345',
      messageReference: 1,
      status: 0,
      scTimestamp,
      dischargeTime,
      protocolId: 0x41,
      text: 'delivered ✓',
    });
    const d = decodePdu(encoded.pdu) as DecodedStatusReport;
    expect(d).toMatchObject({ parameterIndicator: 0x07, protocolId: 0x41, text: 'delivered ✓' });
    expect(d.dcs?.encoding).toBe('ucs2');
    const pidOnly = decodePdu(
      encodeStatusReport({ recipient: '1', messageReference: 1, status: 0, scTimestamp, dischargeTime, protocolId: 0 }).pdu,
    ) as DecodedStatusReport;
    expect(pidOnly).toMatchObject({ parameterIndicator: 0x01, protocolId: 0 });
    expect(pidOnly.text).toBeUndefined();
  });

  it('marks a report on an SMS-COMMAND with TP-SRQ', () => {
    const d = decodePdu(encodeStatusReport({ recipient: '1', messageReference: 1, status: 0, scTimestamp, dischargeTime, reportFor: 'command' }).pdu);
    expect(d).toMatchObject({ reportFor: 'command' });
  });
});
