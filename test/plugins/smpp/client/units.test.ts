// The pieces under the client, on their own: message ids, addresses, user data in each form.
import { describe, expect, it } from 'vitest';
import { fromWire, toWire, DEFAULT_ADDRESS_RULES } from '../../../../plugins/smpp/shared/address.ts';
import { alphabetOf, planSegments, readUserData, splitUdh, concatFromIes } from '../../../../plugins/smpp/shared/encoding.ts';
import { candidateIds, canonicalId } from '../../../../plugins/smpp/shared/ids.ts';
import { ReceiptIds } from '../../../../plugins/smpp/client/receipts.ts';
import { TokenBucket } from '../../../../plugins/smpp/client/throttle.ts';
import { Window } from '../../../../plugins/smpp/client/window.ts';

describe('message ids', () => {
  it('one canonical form: trimmed, lower-case, no leading zeros', () => {
    expect(canonicalId(' 00A1b2 ')).toBe('a1b2');
    expect(canonicalId('0000')).toBe('0');
    expect(canonicalId('')).toBe('');
  });

  it('a receipt id may stand for its hex or decimal twin', () => {
    expect(candidateIds('1715004').map((c) => c.id)).toEqual(['1715004', '1a2b3c', '24203268']);
    expect(candidateIds('1A2B3C').map((c) => c.id)).toEqual(['1a2b3c', '1715004']);
    expect(candidateIds('msg-7').map((c) => c.id)).toEqual(['msg-7']);
  });

  it('recent submits decide the form, and the conversion is remembered', () => {
    const ids = new ReceiptIds();
    ids.remember('1a2b3c');
    expect(ids.resolve('1715004')).toEqual({ id: '1a2b3c', fallbacks: [] });
    expect(ids.learned).toBe('hex-to-decimal');
    // After a restart the recent ids are gone, the conversion is not.
    expect(ids.resolve('255').id).toBe('ff');
  });
});

describe('addresses', () => {
  it('automatic TON/NPI per class', () => {
    expect(toWire('+447700900123', DEFAULT_ADDRESS_RULES)).toEqual({ addr: '447700900123', ton: 1, npi: 1 });
    expect(toWire('ACME', DEFAULT_ADDRESS_RULES)).toEqual({ addr: 'ACME', ton: 5, npi: 0 });
    expect(toWire('12345', DEFAULT_ADDRESS_RULES)).toEqual({ addr: '12345', ton: 3, npi: 0 });
    expect(toWire('0700900123', DEFAULT_ADDRESS_RULES)).toEqual({ addr: '0700900123', ton: 2, npi: 1 });
    expect(toWire('+447700900123', DEFAULT_ADDRESS_RULES, { ton: 0, npi: 1 })).toEqual({ addr: '447700900123', ton: 0, npi: 1 });
  });

  it('international numbers come in with their +', () => {
    expect(fromWire('447700900123', 1)).toBe('+447700900123');
    expect(fromWire('40404', 0)).toBe('40404');
  });
});

describe('user data', () => {
  it('data_coding values map to alphabets (SMPP table, then TS 23.038 groups)', () => {
    expect([0x00, 0x01, 0x03, 0x04, 0x08, 0x02, 0x06, 0xf0, 0xf4, 0x11, 0x18, 0x14].map(alphabetOf)).toEqual([
      'gsm7',
      'ascii',
      'latin1',
      'binary',
      'ucs2',
      'binary',
      'binary',
      'gsm7',
      'binary',
      'gsm7',
      'ucs2',
      'binary',
    ]);
  });

  it('a single GSM text is one unpacked short_message', () => {
    const [seg, ...rest] = planSegments({ kind: 'text', text: 'Hi @ 5€' }, { longMessages: 'udh', coding: 'gsm7', ref: 7 });
    expect(rest).toEqual([]);
    expect(seg!.dataCoding).toBe(0);
    expect(seg!.shortMessage.toString('hex')).toBe('4869200020351b65');
  });

  it('concatenation headers: 8-bit and 16-bit references, SAR without a UDH', () => {
    const text = 'x'.repeat(200);
    const udh = planSegments({ kind: 'text', text }, { longMessages: 'udh', coding: 'gsm7', ref: 0x1ff });
    expect(udh.map((s) => s.shortMessage.subarray(0, 6).toString('hex'))).toEqual(['050003ff0201', '050003ff0202']);
    expect(udh.every((s) => s.esmClass === 0x40)).toBe(true);
    const udh16 = planSegments({ kind: 'text', text }, { longMessages: 'udh16', coding: 'gsm7', ref: 0x1ff });
    expect(udh16[1]!.shortMessage.subarray(0, 7).toString('hex')).toBe('06080401ff0202');
    const sar = planSegments({ kind: 'text', text }, { longMessages: 'sar', coding: 'gsm7', ref: 0x1ff });
    expect(sar.map((s) => s.sar)).toEqual([
      { ref: 0x1ff, total: 2, seq: 1 },
      { ref: 0x1ff, total: 2, seq: 2 },
    ]);
    expect(sar[0]!.esmClass).toBe(0);
    const payload = planSegments({ kind: 'text', text }, { longMessages: 'payload', coding: 'gsm7', ref: 0x1ff });
    expect(payload).toHaveLength(1);
    expect(payload[0]!.payload).toHaveLength(200);
  });

  it('binary with ports: one segment with the port header when it fits, else each segment repeats it before the concatenation element', () => {
    const ports = Buffer.from('05040b8423f0', 'hex');
    const [one, ...none] = planSegments(
      { kind: 'binary', data: Buffer.alloc(133, 1), dataCoding: 0xf5, header: ports },
      { longMessages: 'udh', coding: 'gsm7', ref: 1 },
    );
    expect(none).toEqual([]);
    expect([one!.dataCoding, one!.esmClass]).toEqual([0xf5, 0x40]);
    expect(one!.shortMessage.subarray(0, 7).toString('hex')).toBe('0605040b8423f0');
    expect(one!.shortMessage).toHaveLength(140);

    const long = Buffer.alloc(300, 2);
    const segs = planSegments({ kind: 'binary', data: long, dataCoding: 0x04, header: ports }, { longMessages: 'udh', coding: 'gsm7', ref: 0x42 });
    expect(segs).toHaveLength(3);
    for (const [i, s] of segs.entries()) {
      expect(s.shortMessage.length).toBeLessThanOrEqual(140);
      expect(s.shortMessage.subarray(0, 12).toString('hex')).toBe(`0b05040b8423f000034203${(i + 1).toString(16).padStart(2, '0')}`);
    }
    expect(Buffer.concat(segs.map((s) => s.shortMessage.subarray(12))).equals(long)).toBe(true);

    const sar = planSegments({ kind: 'binary', data: long, dataCoding: 0x04, header: ports }, { longMessages: 'sar', coding: 'gsm7', ref: 7 });
    expect(sar.every((s) => s.esmClass === 0x40 && s.shortMessage.subarray(0, 7).toString('hex') === '0605040b8423f0' && s.sar?.ref === 7)).toBe(true);
  });

  it('a text to an application port carries the port header in every segment, the text cut to the room left', () => {
    const ports = Buffer.from('050415810000', 'hex');
    const fits = 'x'.repeat(152);
    const [one, ...none] = planSegments({ kind: 'text', text: fits, header: ports }, { longMessages: 'udh', coding: 'gsm7', ref: 3 });
    expect(none).toEqual([]);
    expect([one!.esmClass, one!.shortMessage.subarray(0, 7).toString('hex'), one!.shortMessage.length]).toEqual([0x40, '06050415810000', 7 + 152]);
    // 153 septets no longer fit beside a 7-octet header: two segments of at most 146 septets (12 header octets).
    const segs = planSegments({ kind: 'text', text: fits + 'y', header: ports }, { longMessages: 'udh', coding: 'gsm7', ref: 3 });
    expect(segs.map((s) => s.shortMessage.subarray(0, 12).toString('hex'))).toEqual(['0b0504158100000003030201', '0b0504158100000003030202']);
    expect(segs[0]!.shortMessage.length - 12).toBe(146);
    expect(segs.map((s) => s.shortMessage.subarray(12).toString('latin1')).join('')).toBe(fits + 'y');
  });

  it('reads concatenation from the UDH or from SAR TLVs', () => {
    const ud = Buffer.concat([Buffer.from('050003420302', 'hex'), Buffer.from('hello')]);
    const split = splitUdh(ud)!;
    expect(concatFromIes(split.ies)).toEqual({ ref: 0x42, total: 3, seq: 2, bits: 8 });
    expect(readUserData({ esmClass: 0x40, dataCoding: 0, shortMessage: ud })).toMatchObject({ text: 'hello', concat: { seq: 2 } });
    expect(readUserData({ esmClass: 0, dataCoding: 0, shortMessage: Buffer.from('hi'), sar: { ref: 9, total: 2, seq: 1 } }).concat).toEqual({
      ref: 9,
      total: 2,
      seq: 1,
      bits: 16,
    });
    // A header longer than the data is not a header.
    expect(splitUdh(Buffer.from('0a0003', 'hex'))).toBeUndefined();
  });
});

describe('window and throughput', () => {
  it('the window hands slots over in order and never exceeds its size', async () => {
    const w = new Window(2);
    await w.acquire();
    await w.acquire();
    const order: number[] = [];
    const third = w.acquire().then(() => order.push(3));
    const fourth = w.acquire().then(() => order.push(4));
    expect(w.inUse).toBe(2);
    w.release();
    w.release();
    await Promise.all([third, fourth]);
    expect(order).toEqual([3, 4]);
    expect(w.inUse).toBe(2);
  });

  it('an aborted wait leaves the queue', async () => {
    const w = new Window(1);
    await w.acquire();
    const ac = new AbortController();
    const waiting = w.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    w.release();
    expect(w.inUse).toBe(0);
    const bucket = new TokenBucket(0.001);
    await bucket.take();
    await expect(bucket.take(AbortSignal.abort(new Error('stopped')))).rejects.toThrow('stopped');
  });
});
