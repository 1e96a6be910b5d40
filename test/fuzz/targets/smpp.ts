// SMPP (v3.4, v5.0): the framer gives the same frames however the stream is chunked and never throws;
// a frame is a PDU or a refusal with the status to answer; the receipt text reads back what it wrote.
import fc from 'fast-check';
import { PduReader, decodeFrame, type Frame } from '../../../plugins/smpp/shared/framing.ts';
import { formatReceipt, parseReceipt, type Receipt } from '../../../plugins/smpp/shared/receipt.ts';
import { readVectors } from '../../helpers/vectors.ts';
import { chunking, chunksOf, mutatedBytes, mutatedText } from '../mutate.ts';
import { broken, type FuzzTarget } from '../target.ts';

const cases = readVectors<{ cases: { hex?: string[] }[] }>('smpp/smpp_vectors.json').cases;
const seeds = cases
  .flatMap((c) => c.hex ?? [])
  .map((h) => Buffer.from(h.replace(/\s+/g, ''), 'hex'))
  .filter((b) => b.length > 0);

function summary(frames: Frame[]): string {
  return JSON.stringify(
    frames.map((f) => (f.ok ? { ok: true, command: f.pdu.command, raw: f.raw.toString('hex') } : { ok: false, reason: f.reason, fatal: f.fatal })),
  );
}

export const smppFrames: FuzzTarget = {
  name: 'smpp-frames',
  about: 'PduReader/decodeFrame: never throw, the same frames for any chunking, every octet accounted for',
  property: () =>
    fc.property(fc.array(mutatedBytes(seeds, 64), { minLength: 1, maxLength: 4 }), chunking, (pieces, sizes) => {
      const stream = Buffer.concat(pieces);
      const whole = new PduReader().push(stream);
      const reader = new PduReader();
      const chunked = chunksOf(stream, sizes).flatMap((c) => reader.push(c));
      if (summary(whole) !== summary(chunked)) broken('chunking changed the frames');
      for (const f of whole) if (f.ok && f.raw.readUInt32BE(0) !== f.raw.length) broken('a frame whose length is not its command_length');
      // Each piece on its own, as one PDU, through decodeFrame (what the session does with a whole one).
      for (const p of pieces) if (p.length >= 16 && p.readUInt32BE(0) === p.length) decodeFrame(p);
    }),
};

const RECEIPTS = [
  'id:0123456789 sub:001 dlvrd:001 submit date:2512011200 done date:2512011201 stat:DELIVRD err:000 text:Hello there',
  'id:abc sub:1 dlvrd:0 submit date:202512011200 done date:20251201120130 stat:UNDELIV err:21b',
  'ID:7F3A Stat:EXPIRED Text:x:y:z id:dup',
  'text:first stat:REJECTD id:9',
];

// Ten-digit dates have two-digit years, read as 2000-2069 (70-99: last century): the dates a receipt can carry.
const minute = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2069-12-31T23:59:00Z'), noInvalidDate: true })
  .map((d) => new Date(Math.floor(d.getTime() / 60_000) * 60_000));

const receipt: fc.Arbitrary<Receipt> = fc.record(
  {
    id: fc.stringMatching(/^[0-9A-Za-z-]{1,20}$/),
    sub: fc.integer({ min: 0, max: 999 }),
    dlvrd: fc.integer({ min: 0, max: 999 }),
    submitDate: minute,
    doneDate: minute,
    stat: fc.constantFrom('DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'ENROUTE'),
    err: fc.stringMatching(/^[0-9a-z]{3}$/),
    text: fc.stringMatching(/^[ -~]{1,20}$/).filter((t) => t.trim() === t && t.length > 0),
  },
  { requiredKeys: ['id', 'stat', 'err'] },
);

export const smppReceipts: FuzzTarget = {
  name: 'smpp-receipts',
  about: 'parseReceipt of any text is total; formatReceipt then parseReceipt gives the receipt back',
  property: () =>
    fc.property(mutatedText(RECEIPTS, 160), receipt, (text, r) => {
      parseReceipt(text);
      const back = parseReceipt(formatReceipt(r));
      if (!back) broken('a formatted receipt is not read as one');
      for (const k of ['id', 'stat', 'err', 'sub', 'dlvrd', 'text'] as const) {
        // A text that itself looks like "key:value" fields may be cut: receipts' own rule.
        if (k === 'text' && r.text && /[a-z ]+:/i.test(r.text)) continue;
        // The appendix's fields are all written: an absent count as 000.
        const wrote = (k === 'sub' || k === 'dlvrd') && r[k] === undefined ? 0 : r[k];
        if (back[k] !== wrote) broken(`${k}: wrote ${JSON.stringify(wrote)}, read ${JSON.stringify(back[k])}`);
      }
      for (const k of ['submitDate', 'doneDate'] as const) if (back[k]?.getTime() !== r[k]?.getTime()) broken(`${k} not read back`);
    }),
};
