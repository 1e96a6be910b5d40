// The line splitter under the abuse real modems hand out: every terminator variant, the prompt without a
// terminator, NUL padding, control-byte garbage, and the same bytes cut into chunks at every boundary.
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineEvent } from '../../../plugins/gsm-modem/at/lines.ts';

function feed(chunks: (string | Buffer)[], prompt = false): LineEvent[] {
  const s = new LineSplitter();
  s.expectPrompt = prompt;
  return chunks.flatMap((c) => s.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
}

const lines = (events: LineEvent[]) => events.map((e) => (e.kind === 'line' ? e.text : e.kind === 'prompt' ? '<prompt>' : `<garbage ${e.text}>`));

describe('LineSplitter', () => {
  it.each([
    ['CR LF', '\r\nOK\r\n'],
    ['bare CR', '\rOK\r'],
    ['bare LF', '\nOK\n'],
    ['LF CR', '\n\rOK\n\r'],
    ['doubled', '\r\r\n\r\nOK\r\n\r\n'],
    ['no leading terminator', 'OK\r\n'],
  ])('finds the line whatever the terminators (%s)', (_name, input) => {
    expect(lines(feed([input]))).toEqual(['OK']);
  });

  it('keeps a partial line until its terminator arrives', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.from('+CMTI: "SM"'))).toEqual([]);
    expect(s.pending).toBe('+CMTI: "SM"');
    expect(s.push(Buffer.from(',3\r\n'))).toEqual([{ kind: 'line', text: '+CMTI: "SM",3' }]);
  });

  it('reports the prompt without a terminator, only while one is expected', () => {
    expect(lines(feed(['\r\n> '], true))).toEqual(['<prompt>']);
    expect(lines(feed(['\r\n> quoted text\r\n'], false))).toEqual(['> quoted text']);
  });

  it('takes a bare ">" as the prompt and drops the space that follows in a later chunk', () => {
    const s = new LineSplitter();
    s.expectPrompt = true;
    expect(s.push(Buffer.from('\r\n>'))).toEqual([{ kind: 'prompt' }]);
    expect(s.push(Buffer.from(' '))).toEqual([]);
    expect(s.push(Buffer.from('\r\n+CMGS: 7\r\n\r\nOK\r\n'))).toEqual([
      { kind: 'line', text: '+CMGS: 7' },
      { kind: 'line', text: 'OK' },
    ]);
  });

  it('finds the prompt after vendor noise lines', () => {
    expect(lines(feed(['\r\n+ZPASR: "UMTS"\r\n\r\n> '], true))).toEqual(['+ZPASR: "UMTS"', '<prompt>']);
  });

  it('drops NUL padding and reports control-byte lines as garbage', () => {
    expect(lines(feed([Buffer.from([0, 0, 0x0d, 0x0a, 0x4f, 0x4b, 0x0d, 0x0a])]))).toEqual(['OK']);
    expect(lines(feed([Buffer.from([0x01, 0x41, 0x1b, 0x7f, 0x0d, 0x0a]), '\r\nOK\r\n']))).toEqual(['<garbage \x01A\x1b\x7f>', 'OK']);
  });

  it('strips the Ctrl-Z that ends an echoed PDU', () => {
    expect(lines(feed(['0011000B915121551532F40000AA0AE8329BFD4697D9EC37\x1a\r\n']))).toEqual(['0011000B915121551532F40000AA0AE8329BFD4697D9EC37']);
  });

  it('gives up on a line that never ends', () => {
    const events = feed(['A'.repeat(5000)]);
    expect(events).toHaveLength(1);
    expect(events[0]!.kind).toBe('garbage');
  });

  // Every way of cutting a realistic exchange into two chunks gives the same events as one chunk.
  const exchange = '\r\n+CMTI: "SM",3\r\n\r\n^RSSI:17\r\n\r\n> \r\n+CMGS: 42\r\n\r\nOK\r\n\n\rRING\r\n+CME ERROR: 14\r\n';
  const whole = lines(feed([exchange], true));

  it('has a reference result for the split tests', () => {
    expect(whole).toEqual(['+CMTI: "SM",3', '^RSSI:17', '<prompt>', '+CMGS: 42', 'OK', 'RING', '+CME ERROR: 14']);
  });

  it.each(Array.from({ length: exchange.length - 1 }, (_, i) => i + 1))('gives the same events when split at byte %i', (at) => {
    expect(lines(feed([exchange.slice(0, at), exchange.slice(at)], true))).toEqual(whole);
  });

  it('gives the same events when fed one byte at a time', () => {
    expect(lines(feed([...exchange], true))).toEqual(whole);
  });
});
