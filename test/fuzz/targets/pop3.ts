// POP3's command lines (RFC 1939, RFC 2449's 255-octet cap): the same lines however the stream is chunked,
// a line over the cap reported once as too long and never buffered without bound.
import fc from 'fast-check';
import { LineReader, type Line } from '../../../plugins/pop3/lines.ts';
import { chunking, chunksOf, mutatedText } from '../mutate.ts';
import { broken, type FuzzTarget } from '../target.ts';

const SESSION = [
  'USER alice\r\n',
  'PASS secret\r\nSTAT\r\nLIST\r\nRETR 1\r\n',
  'APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n',
  'TOP 1 10\r\nUIDL\r\nDELE 1\r\nQUIT\r\n',
  `X${'y'.repeat(300)}\r\nNOOP\r\n`,
];

function lines(chunks: Buffer[]): Line[] {
  const r = new LineReader();
  return chunks.flatMap((c) => r.push(c));
}

export const pop3Lines: FuzzTarget = {
  name: 'pop3-lines',
  about: 'LineReader: the same lines for any chunking; no line over 255 octets with its CRLF',
  property: () =>
    fc.property(mutatedText(SESSION, 600), chunking, (text, sizes) => {
      const bytes = Buffer.from(text, 'utf8');
      const whole = lines([bytes]);
      if (JSON.stringify(whole) !== JSON.stringify(lines(chunksOf(bytes, sizes)))) broken('chunking changed the lines');
      for (const l of whole) if (l.kind === 'line' && Buffer.byteLength(l.text) + 2 > 255) broken('a line over the cap');
    }),
};
