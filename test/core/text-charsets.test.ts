// Text parts are stored in UTF-8 whatever charset they came in. Node 20's TextDecoder reads windows-1252 (and
// the labels WHATWG maps to it: us-ascii, iso-8859-1) as Latin-1 and UTF-16 without a BOM as little-endian:
// curly quotes and the euro sign from a handset or a mail client must not become C1 control characters.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

async function stored(charset: string, data: Buffer): Promise<string> {
  const [a] = await gw!.gateway.submit([
    { direction: 'MO', kind: 'sms', from: '+15550001111', to: '+15550002222', parts: [{ contentType: `text/plain; charset="${charset}"`, data }], via: 'test' },
  ]);
  const m = await gw!.gateway.stores.messages.get(a!.id);
  expect(m!.parts[0]!.contentType).toBe('text/plain; charset=utf-8');
  return m!.parts[0]!.data.toString('utf8');
}

describe('text parts in other charsets', () => {
  it('reads windows-1252 and its WHATWG aliases with the 0x80-0x9F characters, and UTF-16 by its BOM or big-endian', async () => {
    gw = await startTestGateway({ smtp: false, pop3: false });
    const cp1252 = Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0x80, 0x35, 0x20, 0xe9]);
    for (const cs of ['windows-1252', 'us-ascii', 'iso-8859-1', 'latin1']) expect(await stored(cs, cp1252), cs).toBe('“Hi” €5 é');
    expect(await stored('utf-16', Buffer.from([0x00, 0x48, 0x20, 0xac]))).toBe('H€');
    expect(await stored('utf-16', Buffer.from([0xff, 0xfe, 0x48, 0x00, 0xac, 0x20]))).toBe('H€');
    expect(await stored('iso-8859-15', Buffer.from([0xa4]))).toBe('€');
    await expect(stored('x-no-such-charset', Buffer.from('a'))).rejects.toMatchObject({ code: 'NOWSMS_ERR_REJECTED' });
  });
});
