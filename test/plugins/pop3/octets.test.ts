import { describe, expect, it } from 'vitest';
import { multiline, topOf } from '../../../plugins/pop3/octets.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('multiline', () => {
  it('doubles a leading dot on every line and ends with a lone dot', () => {
    expect(multiline(b('.a\r\nb\r\n..c\r\n.\r\n')).toString()).toBe('..a\r\nb\r\n...c\r\n..\r\n.\r\n');
  });

  it('leaves dots that do not start a line alone', () => {
    expect(multiline(b('a.b\r\n x.\r\n')).toString()).toBe('a.b\r\n x.\r\n.\r\n');
  });

  it('adds the missing CRLF before the terminator', () => {
    expect(multiline(b('tail')).toString()).toBe('tail\r\n.\r\n');
    expect(multiline(b('.tail')).toString()).toBe('..tail\r\n.\r\n');
  });

  it('answers an empty message with the terminator alone', () => {
    expect(multiline(Buffer.alloc(0)).toString()).toBe('.\r\n');
  });
});

describe('topOf', () => {
  const msg = b('A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n');

  it('gives the header, the blank line and n body lines', () => {
    expect(topOf(msg, 0).toString()).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(topOf(msg, 2).toString()).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\n');
  });

  it('gives the whole message when n passes its end', () => {
    expect(topOf(msg, 99).equals(msg)).toBe(true);
  });
});
