import { describe, expect, it } from 'vitest';
import { extractText, joinSubject, stripQuotedReplies, stripSignature } from '../../../plugins/smtp/text.ts';

const both = { stripQuotes: true, stripSignatures: true };
const neither = { stripQuotes: false, stripSignatures: false };

describe('quoted replies', () => {
  it('drops > lines and the attribution line above them', () => {
    const body = 'See you at 5.\n\nOn Mon, 1 Jan 2024 at 10:00, +15550002222@sms.localhost wrote:\n> Are you coming?\n> Bring cake\n';
    expect(extractText(body, both)).toBe('See you at 5.');
  });

  it('drops an attribution Gmail wrapped over two lines', () => {
    const body = 'Yes\n\nOn Mon, Jan 1, 2024 at 10:00 AM Bob Example <\nbob@example.com> wrote:\n\n> hi\n';
    expect(extractText(body, both)).toBe('Yes');
  });

  it('keeps the answers of an interleaved reply', () => {
    const body = 'Bob wrote:\n> Time?\nFive.\n> Place?\nHome.';
    expect(stripQuotedReplies(body)).toBe('Five.\nHome.');
  });

  it("cuts at Outlook's Original Message line", () => {
    const body = 'Fine by me\r\n\r\n-----Original Message-----\r\nFrom: Bob\r\nSent: Monday\r\nTo: Alice\r\nSubject: plan\r\n\r\nShall we?\r\n';
    expect(extractText(body, both)).toBe('Fine by me');
  });

  it('cuts at a From:/Sent: header block and the separator above it', () => {
    const body =
      'New text\n\n________________________________\nFrom: Bob <b@example.com>\nSent: Monday, 1 January 2024 10:00\nTo: Alice\nSubject: x\n\nold text';
    expect(extractText(body, both)).toBe('New text');
  });

  it('keeps a From: line that is not a header block', () => {
    expect(extractText('From: the office\nWe close at 6', both)).toBe('From: the office\nWe close at 6');
  });

  it('keeps a line that mentions writing but quotes nothing', () => {
    expect(extractText('She wrote:\nthe book', both)).toBe('She wrote:\nthe book');
  });

  it('keeps everything when quote stripping is off', () => {
    expect(extractText('Yes\n> old', neither)).toBe('Yes\n> old');
  });
});

describe('signatures', () => {
  it('drops the "-- " line and everything after it', () => {
    expect(stripSignature('Call me\n-- \nAlice\n+1 555 000 1111')).toBe('Call me');
    expect(extractText('Call me\n-- \nAlice', both)).toBe('Call me');
  });

  it('also takes "--" whose trailing space a client ate', () => {
    expect(extractText('Call me\n--\nAlice', both)).toBe('Call me');
  });

  it('keeps a line that merely starts with dashes', () => {
    expect(extractText('a -- b\n-- yes', both)).toBe('a -- b\n-- yes');
  });

  it('keeps the signature when asked', () => {
    expect(extractText('Call me\n-- \nAlice', { stripQuotes: true, stripSignatures: false })).toBe('Call me\n--\nAlice');
  });
});

describe('clean-up', () => {
  it('trims edges, trailing spaces and runs of blank lines, keeps inner spacing', () => {
    expect(extractText('\n\n  Hello   \n\n\n\nworld  \n\n', both)).toBe('  Hello\n\nworld');
  });

  it('keeps emoji and non-Latin text intact', () => {
    expect(extractText('Привет 👋🏽 你好', both)).toBe('Привет 👋🏽 你好');
  });
});

describe('subject rule', () => {
  it('prepend puts the subject on its own line first', () => {
    expect(joinSubject('Meeting', 'at 5', 'prepend')).toBe('Meeting\nat 5');
  });
  it('append puts it last', () => {
    expect(joinSubject('Meeting', 'at 5', 'append')).toBe('at 5\nMeeting');
  });
  it('ignore leaves it out', () => {
    expect(joinSubject('Meeting', 'at 5', 'ignore')).toBe('at 5');
  });
  it('skips an empty subject or body', () => {
    expect(joinSubject('', 'at 5', 'prepend')).toBe('at 5');
    expect(joinSubject('Meeting', '', 'append')).toBe('Meeting');
    expect(joinSubject('  ', '', 'prepend')).toBe('');
  });
});
