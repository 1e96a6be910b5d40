import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../plugins/pop3/lines.ts';

const texts = (r: LineReader, s: string) => r.push(Buffer.from(s)).map((l) => (l.kind === 'line' ? l.text : '<too-long>'));

describe('LineReader', () => {
  it('splits pipelined commands in order and joins split ones', () => {
    const r = new LineReader();
    expect(texts(r, 'STAT\r\nLIST\r\nRE')).toEqual(['STAT', 'LIST']);
    expect(texts(r, 'TR 1\r')).toEqual([]);
    expect(texts(r, '\nNOOP\n')).toEqual(['RETR 1', 'NOOP']);
  });

  it('takes a 255-octet line (CRLF included) and refuses 256', () => {
    const r = new LineReader();
    const ok = 'PASS ' + 'x'.repeat(248);
    expect(ok.length + 2).toBe(255);
    expect(texts(r, ok + '\r\n')).toEqual([ok]);
    expect(texts(r, ok + 'y\r\n')).toEqual(['<too-long>']);
  });

  it('reports an endless line once and drops it as it arrives', () => {
    const r = new LineReader();
    expect(texts(r, 'x'.repeat(300))).toEqual(['<too-long>']);
    expect(texts(r, 'x'.repeat(5000))).toEqual([]);
    expect(texts(r, 'x\r\nNOOP\r\n')).toEqual(['NOOP']);
  });

  it('forgets unread bytes on reset', () => {
    const r = new LineReader();
    expect(texts(r, 'USER ev')).toEqual([]);
    r.reset();
    expect(texts(r, 'CAPA\r\n')).toEqual(['CAPA']);
  });
});
