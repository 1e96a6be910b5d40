// The modem's byte stream: the line splitter gives the same lines however the bytes are chunked, never a
// line with a CR or LF in it; parameter splitting of any line is total.
import fc from 'fast-check';
import { LineSplitter, type LineEvent } from '../../../plugins/gsm-modem/at/lines.ts';
import { fieldsOf, intOf } from '../../../plugins/gsm-modem/at/params.ts';
import { readVectors } from '../../helpers/vectors.ts';
import { chunking, chunksOf, mutatedBytes } from '../mutate.ts';
import { broken, type FuzzTarget } from '../target.ts';

interface Transcript {
  exchange: { tx?: string; rx?: string[] }[];
}

const transcripts = readVectors<{ cases: Transcript[] }>('at/at_transcripts.json').cases;
const seeds = transcripts.map((t) =>
  Buffer.from(
    t.exchange
      .flatMap((e) => e.rx ?? [])
      .map((l) => `\r\n${l}\r\n`)
      .join(''),
    'latin1',
  ),
);

function events(chunks: Buffer[], prompt: boolean): LineEvent[] {
  const s = new LineSplitter();
  s.expectPrompt = prompt;
  return chunks.flatMap((c) => s.push(c));
}

export const atLines: FuzzTarget = {
  name: 'at-lines',
  about: 'LineSplitter: the same events whatever the chunking; lines hold no CR/LF; fieldsOf is total',
  property: () =>
    fc.property(mutatedBytes(seeds, 300), chunking, fc.boolean(), (bytes, sizes, prompt) => {
      const whole = events([bytes], prompt);
      const chunked = events(chunksOf(bytes, sizes), prompt);
      if (JSON.stringify(whole) !== JSON.stringify(chunked)) broken('chunking changed the lines');
      for (const e of whole) {
        if (e.kind === 'prompt') continue;
        if (/[\r\n]/.test(e.text)) broken(`a ${e.kind} event with CR or LF: ${JSON.stringify(e.text)}`);
        if (e.kind === 'line') for (const f of fieldsOf(e.text)) intOf(f);
      }
    }),
};
