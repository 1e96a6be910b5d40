// Round trips: each PDU type the gateway sends or its tests' MMSC simulator needs, encoded and decoded back
// to the same PDU; and every shared vector decoded, re-encoded and decoded to the same headers and parts.
import { describe, expect, it } from 'vitest';
import { decodeMms, encodeMms, MMS_MESSAGE_TYPES, toMessageParts, type MmsPdu, type MmsPduInput } from '../../../../core/codecs/mms/index.ts';
import { DECODABLE, pduBytes } from './mms-vectors.ts';
import { ALL_FIELDS, phone, SAMPLES } from './samples.ts';

/** What the decoder gives back for an input: the PDU as given, parts with what the codec adds. */
function comparable(p: MmsPdu | MmsPduInput): unknown {
  return {
    ...p,
    contentType: undefined,
    fromInsertAddress: p.fromInsertAddress ?? (p.messageType === 'm-send-req' && p.from === undefined ? true : undefined),
    parts: p.parts?.map((x) => ({ contentType: x.contentType, name: x.name, contentId: x.contentId, data: x.data.toString('hex') })),
  };
}

describe('MMS round trips', () => {
  for (const sample of SAMPLES) {
    it(`${sample.messageType}: encode then decode gives the same PDU`, () => {
      const bytes = encodeMms(sample);
      expect(bytes[0]).toBe(0x8c);
      const back = decodeMms(bytes);
      expect(JSON.parse(JSON.stringify(comparable(back)))).toEqual(JSON.parse(JSON.stringify(comparable(sample))));
    });
  }

  it('every message type encodes and decodes, header order as OMA-MMS-ENC asks', () => {
    for (const messageType of MMS_MESSAGE_TYPES) {
      const bytes = encodeMms({ messageType, transactionId: 'x', mmsVersion: '1.3', messageId: 'm' });
      expect(bytes.subarray(0, 4).toString('hex')).toBe(`8c${(0x80 + MMS_MESSAGE_TYPES.indexOf(messageType)).toString(16)}9878`);
      expect(bytes[4]).toBe(0x00);
      expect(bytes.subarray(5, 7).toString('hex')).toBe('8d93'); // X-Mms-MMS-Version 1.3 right after the TID
      expect(decodeMms(bytes)).toMatchObject({ messageType, transactionId: 'x', mmsVersion: '1.3', messageId: 'm' });
    }
  });

  it('m-send-req: Content-Type last, multipart.related with Start and Type for the SMIL, well-known codes', () => {
    const bytes = encodeMms(SAMPLES[0]!);
    const pdu = decodeMms(bytes);
    expect(pdu.contentType).toEqual({ mediaType: 'application/vnd.wap.multipart.related', params: { start: '<smil>', type: 'application/smil' } });
    // 0x84 then a Value-length, then 0xB3 (application/vnd.wap.multipart.related as a well-known code)
    const ct = bytes.indexOf(Buffer.from([0x84]), bytes.indexOf(Buffer.from('Hei')));
    expect(bytes[ct + 2]).toBe(0xb3);
    expect(pdu.parts!.map((p) => p.contentType)).toEqual(['application/smil', 'image/jpeg', 'text/plain; charset=utf-8']);
    expect(pdu.parts![2]!.data.toString('utf8')).toBe('Grüße 😀');
    expect(pdu.parts![1]!.data.buffer).toBe(bytes.buffer);
  });

  it('addresses given as strings: phone numbers get /TYPE=PLMN, e-mail stays as it is', () => {
    const pdu = decodeMms(
      encodeMms({
        messageType: 'm-send-req',
        transactionId: 't',
        to: ['+4712345678', 'a@b.example'],
        parts: [{ contentType: 'text/plain', data: Buffer.from('hi') }],
      }),
    );
    expect(pdu.to).toEqual([phone('+4712345678'), { address: 'a@b.example', type: 'email', raw: 'a@b.example' }]);
    expect(pdu.fromInsertAddress).toBe(true);
    expect(pdu.mmsVersion).toBe('1.2');
  });

  it('text that looks like a length, a quote or nothing survives: empty, control-led, 0x7F-led and non-ASCII strings', () => {
    for (const text of ['', '\x05five', '\x7fquote', '\x1fthirty-one', 'ÿ high', 'plain']) {
      const back = decodeMms(encodeMms({ messageType: 'm-send-conf', subject: text, responseText: text }));
      expect([back.subject, back.responseText], JSON.stringify(text)).toEqual([text, text]);
    }
    for (const text of ['', '\x7fquote', 'ÿ high', 'plain'])
      expect(decodeMms(encodeMms({ messageType: 'm-send-conf', transactionId: text })).transactionId).toBe(text);
    // A Text-string (no length) cannot start with a control character: refused, not written unreadable.
    expect(() => encodeMms({ messageType: 'm-send-conf', transactionId: '\x05x' })).toThrow(/X-Mms-Transaction-Id: text starts with a control character/);
  });

  for (const v of DECODABLE) {
    it(`vector ${v.id}: decode, encode, decode gives the same headers and parts (and a fixed point after that)`, () => {
      const first = decodeMms(pduBytes(v));
      const second = decodeMms(encodeMms(first));
      const strip = (p: MmsPdu) => ({
        ...p,
        parts: p.parts?.map((x) => ({ contentType: x.contentType, name: x.name, contentId: x.contentId, charset: x.charset, data: x.data.toString('hex') })),
      });
      expect(strip(second)).toEqual(strip(first));
      const third = decodeMms(encodeMms(second));
      expect(third).toEqual(second);
    });
  }
});

describe('MMS parts for a Message', () => {
  it("toMessageParts keeps core's Part fields and the PDU's slices", () => {
    const bytes = encodeMms(SAMPLES.find((s) => s.messageType === 'm-retrieve-conf')!);
    const parts = toMessageParts(decodeMms(bytes).parts!);
    expect(parts.map((p) => Object.keys(p).sort())).toEqual([
      ['contentId', 'contentType', 'data', 'name'],
      ['contentId', 'contentType', 'data', 'name'],
      ['contentId', 'contentType', 'data', 'name'],
    ]);
    expect(parts[2]).toMatchObject({ contentType: 'text/plain; charset=utf-8', name: 'txt.txt', contentId: 'txt' });
    expect(parts[1]!.data.buffer).toBe(bytes.buffer);
  });
});

describe('every header field of MMS 1.0-1.3', () => {
  it('one PDU with all 63 field codes set encodes each once (repeatable ones as given) and decodes to the same values', () => {
    const all = ALL_FIELDS;
    const bytes = encodeMms(all);
    const back = decodeMms(bytes);
    expect(back.unknownHeaders).toBeUndefined();
    const { parts, contentType, ...headers } = back;
    const { parts: _p, contentType: _c, ...want } = all;
    expect(headers).toEqual(want);
    expect(contentType).toEqual(all.contentType);
    expect(parts!.map((p) => p.data.toString())).toEqual(['body']);
    // Every code from 0x01 (Bcc) to 0x3F (X-Mms-Cancel-Status) was written.
    const codes = new Set<number>();
    for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x81 && bytes[i]! <= 0xbf) codes.add(bytes[i]! & 0x7f);
    for (let c = 1; c <= 0x3f; c++) expect(codes.has(c), `field 0x${c.toString(16)}`).toBe(true);
  });
});
