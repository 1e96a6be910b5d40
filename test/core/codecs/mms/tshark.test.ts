// An independent decoder on the same octets: Wireshark's MMSE and WSP dissectors (tshark). Each vector is
// wrapped as an HTTP response (Content-Type application/vnd.wap.mms-message, as an MMSC answers a
// retrieval), cut into TCP segments by text2pcap, and read back with tshark; its header fields and its
// parts' content types, Content-IDs and Content-Locations must match ours.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMms, encodeMms, MMS_MESSAGE_TYPES, type MmsPdu } from '../../../../core/codecs/mms/index.ts';
import { missingPeer } from '../../../helpers/peers.ts';
import { DECODABLE, pduBytes } from './mms-vectors.ts';
import { SAMPLES } from './samples.ts';

const FIELDS = [
  'mmse.message_type',
  'mmse.transaction_id',
  'mmse.mms_version',
  'mmse.from',
  'mmse.to',
  'mmse.cc',
  'mmse.subject',
  'mmse.date',
  'mmse.expiry.rel',
  'mmse.message_size',
  'mmse.content_location',
  'mmse.message_id',
  'mmse.response_status',
  'mmse.status',
  'wsp.header.content_type',
  'wsp.header.content_id',
  'wsp.header.content_location',
] as const;
type Fields = Record<(typeof FIELDS)[number], string[]>;

const dir = mkdtempSync(path.join(tmpdir(), 'nowsms-tshark-'));

function hexDump(packets: Buffer[]): string {
  const lines: string[] = [];
  for (const p of packets) {
    for (let i = 0; i < p.length; i += 16) {
      lines.push(`${i.toString(16).padStart(6, '0')} ${[...p.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

function tshark(id: string, pdu: Buffer): Fields {
  const http = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/vnd.wap.mms-message\r\nContent-Length: ${pdu.length}\r\n\r\n`), pdu]);
  const packets: Buffer[] = [];
  for (let i = 0; i < http.length; i += 1400) packets.push(http.subarray(i, i + 1400));
  const hex = path.join(dir, `${id}.hex`);
  const pcap = path.join(dir, `${id}.pcap`);
  writeFileSync(hex, hexDump(packets));
  const t2p = spawnSync('text2pcap', ['-q', '-T', '80,1024', hex, pcap], { encoding: 'utf8' });
  expect(t2p.status, t2p.stderr).toBe(0);
  const args = ['-r', pcap, '-Y', 'mmse', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=\u0001', '-E', 'separator=\u0002'];
  for (const f of FIELDS) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const rows = r.stdout.split('\n').filter((l) => l.length > 0);
  expect(rows, `tshark dissected ${rows.length} MMSE PDUs`).toHaveLength(1);
  const cols = rows[0]!.split('\u0002');
  return Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ? cols[i]!.split('\u0001') : []])) as Fields;
}

const ascii = (s: string) => /^[\x20-\x7e]*$/.test(s);
const one = (v: string | undefined) => (v === undefined ? [] : [v]);

function compare(pdu: MmsPdu, t: Fields): void {
  expect(MMS_MESSAGE_TYPES[parseInt(t['mmse.message_type'][0]!, 16) - 0x80]).toBe(pdu.messageType);
  expect(t['mmse.transaction_id']).toEqual(one(pdu.transactionId));
  expect(t['mmse.mms_version']).toEqual(one(pdu.mmsVersion));
  expect(t['mmse.from']).toEqual(pdu.fromInsertAddress ? ['<insert address>'] : one(pdu.from?.raw));
  expect(t['mmse.to']).toEqual((pdu.to ?? []).map((a) => a.raw));
  expect(t['mmse.cc']).toEqual((pdu.cc ?? []).map((a) => a.raw));
  // tshark ignores an Encoded-string-value's charset (PEERS.md), so only ASCII subjects compare.
  if (pdu.subject === undefined) expect(t['mmse.subject']).toEqual([]);
  else if (ascii(pdu.subject)) expect(t['mmse.subject']).toEqual([pdu.subject]);
  expect(t['mmse.date'].map((d) => new Date(d.replace(/\.\d+ UTC$/, ' UTC')).toISOString())).toEqual(one(pdu.date?.toISOString()));
  expect(t['mmse.expiry.rel'].map(Number)).toEqual(pdu.expiry && 'relativeSeconds' in pdu.expiry ? [pdu.expiry.relativeSeconds] : []);
  expect(t['mmse.message_size'].map(Number)).toEqual(pdu.messageSize === undefined ? [] : [pdu.messageSize]);
  expect(t['mmse.content_location']).toEqual(one(pdu.contentLocation));
  expect(t['mmse.message_id']).toEqual(one(pdu.messageId));
  expect(t['mmse.response_status'].map((s) => parseInt(s, 16))).toEqual(pdu.responseStatus === undefined ? [] : [pdu.responseStatus]);
  expect(t['mmse.status'].length).toBe(pdu.status === undefined ? 0 : 1);
  const parts = pdu.parts ?? [];
  expect(t['wsp.header.content_type']).toEqual([...one(pdu.contentType?.mediaType), ...parts.map((p) => p.contentType.split(';')[0])]);
  expect(t['wsp.header.content_id'].map((c) => c.replace(/^"|"$/g, '').replace(/^<|>$/g, ''))).toEqual(parts.flatMap((p) => one(p.contentId)));
  expect(t['wsp.header.content_location']).toEqual(parts.flatMap((p) => one(p.contentLocation)));
}

describe.skipIf(missingPeer('tshark') || missingPeer('text2pcap'))('MMS decode agrees with tshark', () => {
  for (const v of DECODABLE) {
    it(`${v.id}`, () => {
      const bytes = pduBytes(v);
      compare(decodeMms(bytes), tshark(v.id, bytes));
    });
  }

  // And the other way: what our encoder writes, tshark reads as we do.
  for (const sample of SAMPLES) {
    it(`our ${sample.messageType}`, () => {
      const bytes = encodeMms(sample);
      compare(decodeMms(bytes), tshark(`ours-${sample.messageType}`, bytes));
    });
  }
});
