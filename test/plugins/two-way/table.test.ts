// The command table on its own: matching order, placeholders, config errors, reply length, the send URL form.
import { describe, expect, it } from 'vitest';
import { isNowsmsError, planSms, type Message } from '../../../core/index.ts';
import { matchCommand, resolveCommands } from '../../../plugins/two-way/commands.ts';
import { sendUrlAnswer } from '../../../plugins/two-way/http-action.ts';
import { checkCommands, optionsSchema, parseTwoWayCommands, type TwoWayOptions } from '../../../plugins/two-way/options.ts';
import { expand, valuesOf } from '../../../plugins/two-way/placeholders.ts';
import { fitSegments } from '../../../plugins/two-way/runner.ts';
import { twoWay } from '../../../plugins/two-way/index.ts';

const DOMAINS = ['sms.localhost', 'mms.localhost'];

function sms(text: string, over: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    direction: 'MO',
    kind: 'sms',
    from: '+447700900123',
    to: '+15550001111',
    via: 'modem1',
    parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(text) }],
    receivedAt: new Date(2026, 11, 7, 9, 5, 3),
    meta: {},
    ...over,
  };
}

function table(commands: TwoWayOptions['commands']) {
  const o = optionsSchema.parse({ commands });
  checkCommands(o, DOMAINS);
  return resolveCommands(o.commands, DOMAINS, (a) => (/^\+?\d+$/.test(a) ? (a.startsWith('+') ? a : `+${a}`) : a));
}

function configError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isNowsmsError(e, 'NOWSMS_ERR_CONFIG')) return e.message;
    throw e;
  }
  throw new Error('no config error');
}

describe('matching', () => {
  const commands = table([
    { keyword: '*', action: 'mailto:carol@mms.localhost' },
    { keyword: 'weather', receiveNumber: '+15550002222', action: 'https://b.example/w' },
    { keyword: 'WEATHER', action: 'https://a.example/w?q=@@SMS@@' },
    { keyword: 'stop', sender: '+44*', action: ['/usr/local/bin/stop', '@@SENDER@@'] },
    { keyword: '*', receiveNumber: 'modem2', action: 'https://c.example/' },
  ]);

  it('the first word, any case, before any *; receive number and sender filters', () => {
    expect(matchCommand(commands, sms('WeAtHeR  Leeds'))?.id).toBe('WEATHER');
    expect(matchCommand(commands, sms('weather Leeds', { to: '+15550002222' }))?.id).toBe('WEATHER@+15550002222');
    expect(matchCommand(commands, sms('STOP'))?.id).toBe('STOP');
    expect(matchCommand(commands, sms('STOP', { from: '+15551234567' }))?.id).toBe('*');
    expect(matchCommand(commands, sms('hello'))?.localUser).toBe('carol');
    // The keyword is a whole word: WEATHERMAN is not WEATHER.
    expect(matchCommand(commands, sms('WEATHERMAN'))?.id).toBe('*');
  });

  it('a receive number may name the connection', () => {
    const only = table([{ keyword: '*', receiveNumber: 'modem2', action: 'https://c.example/' }]);
    expect(matchCommand(only, sms('x', { via: 'modem2' }))?.id).toBe('*@modem2');
    expect(matchCommand(only, sms('x'))).toBeUndefined();
  });

  it('an MMS takes its keyword from the subject, else from its text', () => {
    const photo = { contentType: 'image/jpeg', data: Buffer.from([1, 2]) };
    const mms = sms('', { kind: 'mms', subject: 'Weather photo', parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('STOP') }, photo] });
    expect(matchCommand(commands, mms)?.id).toBe('WEATHER');
    expect(matchCommand(commands, { ...mms, subject: '' })?.id).toBe('STOP');
  });
});

describe('placeholders', () => {
  it('are case-insensitive and URL-encoded in URLs', () => {
    const v = valuesOf(sms('Weather  a&b +c 😀\nnext'));
    expect(v.SMSPREFIX).toBe('Weather');
    expect(v.SMS).toBe('a&b +c 😀\nnext');
    expect(v.FULLSMS).toBe('Weather  a&b +c 😀\nnext');
    expect(v.MSGDATE).toBe('20261207');
    expect(v.MSGTIME).toBe('090503');
    expect(v.SMSCROUTE).toBe('modem1');
    expect(expand('https://x/?q=@@sms@@&f=@@Sender@@', v, encodeURIComponent)).toBe('https://x/?q=a%26b%20%2Bc%20%F0%9F%98%80%0Anext&f=%2B447700900123');
  });

  it('a binary SMS gives its octets in hex', () => {
    const v = valuesOf(sms('', { parts: [{ contentType: 'application/octet-stream', data: Buffer.from([0xca, 0xfe]) }] }));
    expect([v.BINARY, v.SMS, v.FULLSMS]).toEqual(['1', 'CAFE', 'CAFE']);
  });

  it('an unknown one is a config error naming it and the command', () => {
    const msg = configError(() => table([{ keyword: 'A', action: 'https://x/?q=@@SMS@@&z=@@BOGUS@@&y=@@nope@@' }]));
    expect(msg).toContain('plugins.two-way.commands.0: unknown placeholders @@BOGUS@@, @@nope@@');
    expect(configError(() => table([{ keyword: 'A', action: ['/bin/echo', '@@SMSC@@'] }]))).toContain('@@SMSC@@');
  });
});

describe('config', () => {
  it('refuses a program that is not an absolute path, a shell string, mailto: out without a smarthost, two commands of one name', () => {
    expect(configError(() => twoWay({ commands: [{ keyword: 'A', action: ['echo', 'hi'] }] }))).toMatch(
      /plugins\.two-way\.commands\.0\.action.*absolute path/s,
    );
    expect(configError(() => twoWay({ commands: [{ keyword: 'A', action: '/bin/echo hi' }] }))).toMatch(/plugins\.two-way\.commands\.0\.action/);
    expect(configError(() => table([{ keyword: 'A', action: 'mailto:ops@example.org' }]))).toContain('set plugins.two-way.smarthost');
    expect(
      configError(() =>
        table([
          { keyword: 'A', action: 'https://x/' },
          { keyword: 'a', action: 'https://y/' },
        ]),
      ),
    ).toContain('command A is declared twice');
  });

  it('NOWSMS_TWO_WAY is a JSON array of commands; errors name the variable', () => {
    expect(parseTwoWayCommands('[{"keyword":"weather","receiveNumber":"+15550001111","action":"https://x/?q=@@SMS@@"}]')).toMatchObject([
      { keyword: 'WEATHER', receiveNumber: '+15550001111', action: 'https://x/?q=@@SMS@@', reply: true },
    ]);
    expect(parseTwoWayCommands(undefined)).toEqual([]);
    expect(configError(() => parseTwoWayCommands('[{"keyword":"a b","action":"x"}]'))).toMatch(/NOWSMS_TWO_WAY\.0\.keyword: one word/);
    expect(configError(() => parseTwoWayCommands('{nope'))).toMatch(/NOWSMS_TWO_WAY is not JSON/);
  });
});

describe('answers', () => {
  it('are cut to the segment cap', () => {
    const long = 'x'.repeat(1000);
    expect(planSms(fitSegments(long, 3)).segments).toHaveLength(3);
    expect(fitSegments('short', 1)).toBe('short');
    expect(planSms(fitSegments('ü€'.repeat(200), 2)).segments).toHaveLength(2);
  });

  it('a redirect to the send URL (PhoneNumber, or Phone, and Text, any case) is an answer; other redirects are not', () => {
    expect(sendUrlAnswer(new URL('http://gw:8800/?PhoneNumber=%2B4477,%2B4478&Text=hi+there'))).toEqual({ text: 'hi there', to: ['+4477', '+4478'] });
    expect(sendUrlAnswer(new URL('http://gw:8800/?phone=%2B4477&text=x'))).toEqual({ text: 'x', to: ['+4477'] });
    expect(sendUrlAnswer(new URL('http://elsewhere/page?x=1'))).toBeUndefined();
  });
});
