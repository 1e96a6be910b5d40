// SMS transport facts in one protocol-neutral place (meta.sms), and messages stored before it (meta.smpp).
import { describe, expect, it } from 'vitest';
import { binarySmsOf, decodePdu, encodeSubmit, needOf, smsOf, transportOfUdh } from '../../core/index.ts';

const octets = (hex: string) => ({ contentType: 'application/octet-stream', data: Buffer.from(hex, 'hex') });

describe('SMS transport facts', () => {
  it('splits a header into ports and other elements, leaving concatenation to the reassembler', () => {
    // Concatenation (8-bit ref), 16-bit ports, and a 0x24 national language shift element.
    expect(transportOfUdh(Buffer.from('0e000342020105040b8423f0240101', 'hex'))).toEqual({ ports: { source: 9200, destination: 2948 }, udh: '240101' });
    expect(transportOfUdh(Buffer.from('0404021000', 'hex'))).toEqual({ ports: { source: 0, destination: 16, bits: 8 } });
  });

  it('reads meta.sms, leaving out what is malformed', () => {
    const meta = { sms: { ports: { source: 9200, destination: 70000 }, receipt: 'final', messageClass: 7, protocolId: 0x41, udh: 'zz' } };
    expect(smsOf({ meta })).toEqual({ receipt: 'final', protocolId: 0x41 });
  });

  it('reads what messages stored before meta.sms kept in meta.smpp and meta.receipt', () => {
    expect(smsOf({ meta: { smpp: { registeredDelivery: 2 } } })).toEqual({ receipt: 'failure' });
    expect(smsOf({ meta: { receipt: false } })).toEqual({ receipt: 'none' });
    // The SMPP client's MO: the header in meta.smpp.udh, the octets after it in the part.
    expect(smsOf({ meta: { smpp: { dataCoding: 0xf5, udh: '0605040b8423f0' } }, parts: [octets('0106')] })).toEqual({
      coding: '8bit',
      messageClass: 1,
      ports: { source: 9200, destination: 2948 },
    });
    // The SMPP server's submit: the header still at the front of the octets (esm_class UDHI).
    const old = { kind: 'sms' as const, parts: [octets('0605040b8423f0c0ffee')], meta: { smpp: { dataCoding: 4, esmClass: 0x40 } } };
    expect(binarySmsOf(old)).toEqual({ data: Buffer.from('c0ffee', 'hex'), sms: { coding: '8bit', ports: { source: 9200, destination: 2948 } } });
    expect(needOf(old)).toBe('binary');
  });

  it('the PDU encoder repeats further header elements after the ports in every segment', () => {
    const pdus = encodeSubmit({
      to: '+447700900123',
      data: Buffer.alloc(200, 7),
      ports: { source: 9200, destination: 2948 },
      elements: Buffer.from('240101', 'hex'),
      concatRef: 9,
    });
    expect(pdus).toHaveLength(2);
    for (const [i, p] of pdus.entries()) {
      const d = decodePdu(p.pdu, { direction: 'mo' });
      expect(d.udh?.raw.toString('hex')).toBe(`0e05040b8423f0240101000309020${i + 1}`);
    }
  });
});
