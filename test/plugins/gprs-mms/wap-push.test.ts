// The WSP push parser: pushes other projects captured from live networks, pushes built by hand from
// WAP-230-WSP in every shape the spec allows for the content type and application id, pushes for other
// applications, and damaged ones, each refused with the offset where it stopped making sense.
import { describe, expect, it } from 'vitest';
import { WapPushError, isMmsPush, isWapPushError, parseWapPush } from '../../../plugins/gprs-mms/push/index.ts';
import { fuzzWapPush } from './push-fuzz.ts';
import { APP_ID_MMS, CT_MMS, capturedPush, mmsPush, notification, push, short, siPush, text, uintvar, withLength } from './push-pdus.ts';

function refused(data: Buffer): WapPushError {
  try {
    parseWapPush(data);
  } catch (e) {
    expect(isWapPushError(e)).toBe(true);
    return e as WapPushError;
  }
  throw new Error(`accepted: ${data.toString('hex')}`);
}

describe('parseWapPush: pushes captured by other projects', () => {
  it.each(['pm-wap-notification-1', 'pm-wap-notification-2'])('%s (python-messaging): text content type, application id 4', (id) => {
    const { push: data, notification: body } = capturedPush(id);
    const p = parseWapPush(data);
    expect(p).toMatchObject({ tid: 1, pduType: 'push', contentType: 'application/vnd.wap.mms-message', applicationId: 'x-wap-application:mms.ua' });
    expect(p.contentTypeCode).toBeUndefined();
    expect(p.body.equals(body)).toBe(true);
    // The notification starts with X-Mms-Message-Type m-notification-ind (0x8C 0x82).
    expect(p.body.subarray(0, 2).toString('hex')).toBe('8c82');
    expect(isMmsPush(p)).toBe(true);
  });

  it('nuntium: two more well-known headers after the application id are skipped by their encoding', () => {
    const { push: data, notification: body } = capturedPush('nuntium-m-notification.ind_success');
    const p = parseWapPush(data);
    expect(p.applicationId).toBe('x-wap-application:mms.ua');
    expect(p.headers.map((h) => h.field)).toEqual([0x2f, 0x34, 0x43]);
    expect(p.body.equals(body)).toBe(true);
    expect(p.body.toString('latin1')).toContain('http://localhost:9191/mms');
    expect(isMmsPush(p)).toBe(true);
  });

  it('the body is a view of the input, not a copy', () => {
    const data = mmsPush(notification('pm-wap-notification-1'));
    const p = parseWapPush(data);
    expect(p.body.buffer).toBe(data.buffer);
  });
});

describe('parseWapPush: the shapes WAP-230-WSP allows', () => {
  const body = notification('pm-wap-notification-2');

  it('well-known content type 0x3E and a ConfirmedPush with its TID', () => {
    const p = parseWapPush(push({ tid: 0xfe, type: 0x07, contentType: CT_MMS, headers: [APP_ID_MMS], body }));
    expect(p).toMatchObject({ tid: 0xfe, pduType: 'confirmed-push', contentType: 'application/vnd.wap.mms-message', contentTypeCode: 0x3e });
    expect(isMmsPush(p)).toBe(true);
    expect(p.body.equals(body)).toBe(true);
  });

  it('general form: Value-length, well-known media, typed and untyped parameters', () => {
    // charset (0x01) = UTF-8 (MIBenum 106, short integer), an untyped "profile" text, q (0x00) as a uintvar.
    // start (0x0A) as a Quoted-string: an opening quote, no closing one.
    const ct = withLength(
      Buffer.concat([short(0x3e), short(0x01), short(106), text('profile'), text('basic'), short(0x00), uintvar(1000), short(0x0a), text('"<n1>')]),
    );
    const p = parseWapPush(push({ contentType: ct, headers: [APP_ID_MMS], body }));
    expect(p.contentType).toBe('application/vnd.wap.mms-message');
    expect(p.contentTypeParams).toEqual({ charset: 106, profile: 'basic', q: 1000, start: '<n1>' });
    expect(p.body.equals(body)).toBe(true);
  });

  it('general form with a text media type and a long Value-length (Length-quote, uintvar)', () => {
    // An unknown typed parameter (0x1E) with a Length-quote value is skipped; the name after it is still read.
    const unknown = Buffer.concat([short(0x1e), withLength(Buffer.alloc(35, 0x41))]);
    const ct = withLength(Buffer.concat([text('Application/VND.WAP.MMS-Message'), unknown, short(0x05), text('x'.repeat(40))]));
    expect(ct[0]).toBe(31);
    const p = parseWapPush(push({ contentType: ct, body }));
    expect(p).toMatchObject({ contentType: 'application/vnd.wap.mms-message', contentTypeParams: { name: 'x'.repeat(40) } });
    expect(Object.keys(p.contentTypeParams)).toEqual(['name']);
    // No application id at all: some MMSCs leave it out; the content type decides.
    expect(p.applicationId).toBeUndefined();
    expect(isMmsPush(p)).toBe(true);
  });

  it('X-Wap-Application-Id as a URI, as a long integer, and as an application header', () => {
    const asText = parseWapPush(push({ contentType: CT_MMS, headers: [Buffer.concat([Buffer.from([0xaf]), text('x-wap-application:mms.ua')])], body }));
    expect(asText.applicationId).toBe('x-wap-application:mms.ua');
    expect(isMmsPush(asText)).toBe(true);
    const asLong = parseWapPush(push({ contentType: CT_MMS, headers: [Buffer.from([0xaf, 0x02, 0x00, 0x04])], body }));
    expect(asLong.applicationId).toBe('x-wap-application:mms.ua');
    const unregistered = parseWapPush(push({ contentType: CT_MMS, headers: [Buffer.from([0xaf, 0x02, 0x90, 0x01])], body }));
    expect(unregistered.applicationId).toBe(0x9001);
    expect(isMmsPush(unregistered)).toBe(false);
    const header = parseWapPush(
      push({ contentType: CT_MMS, headers: [Buffer.concat([text('X-Wap-Application-Id'), text('x-wap-application:mms.ua')])], body }),
    );
    expect(header.applicationId).toBe('x-wap-application:mms.ua');
  });

  it('headers it does not know are skipped by the general rules, on any code page', () => {
    const headers = [
      // Content-Length (0x0D) as a long integer; X-Wap-Initiator-URI (0x37) as text.
      Buffer.from([0x8d, 0x02, 0x01, 0x00]),
      Buffer.concat([Buffer.from([0xb7]), text('http://mmsc.example/')]),
      // An application header with a text value, a header with a Length-quote value, and a short integer.
      Buffer.concat([text('X-Operator'), text('acme')]),
      Buffer.concat([Buffer.from([0x92]), withLength(Buffer.alloc(40, 0x80))]),
      Buffer.from([0xb4, 0x86]),
      APP_ID_MMS,
      // Shift to page 2 (0x7F 0x02): 0xAF there is not X-Wap-Application-Id, just a header to skip.
      Buffer.from([0x7f, 0x02, 0xaf, 0x01, 0x55]),
    ];
    const p = parseWapPush(push({ contentType: CT_MMS, headers, body }));
    expect(p.headers.map((h) => [h.field, h.page])).toEqual([
      [0x0d, 1],
      [0x37, 1],
      ['x-operator', 1],
      [0x12, 1],
      [0x34, 1],
      [0x2f, 1],
      [0x2f, 2],
    ]);
    expect(p.applicationId).toBe('x-wap-application:mms.ua');
    expect(p.body.equals(body)).toBe(true);
  });

  it('a push for another application is parsed but is not an MMS push', () => {
    const si = parseWapPush(siPush());
    expect(si).toMatchObject({ contentType: 'application/vnd.wap.sic', contentTypeCode: 0x2e, applicationId: 'x-wap-application:wml.ua' });
    expect(isMmsPush(si)).toBe(false);
    // The MMS application id does not make another content type an MMS notification.
    expect(isMmsPush(parseWapPush(push({ contentType: short(0x2e), headers: [APP_ID_MMS], body })))).toBe(false);
    // Nor does the MMS content type with another application's id.
    expect(isMmsPush(parseWapPush(push({ contentType: CT_MMS, headers: [Buffer.from([0xaf, 0x82])], body })))).toBe(false);
  });
});

describe('parseWapPush: refused, with the offset', () => {
  const good = mmsPush(notification('pm-wap-notification-1'));

  it.each<[string, Buffer, number, RegExp]>([
    ['empty input', Buffer.alloc(0), 0, /the transaction id: the value ends before this octet/],
    ['only a TID', Buffer.from([0x01]), 1, /the PDU type: the value ends/],
    ['a WSP Reply (0x04), not a push', Buffer.from([0x01, 0x04, 0x01, 0xbe]), 1, /PDU type: 0x04 is not a Push/],
    ['HeadersLen missing', Buffer.from([0x01, 0x06]), 2, /HeadersLen: the value ends/],
    ['HeadersLen a uintvar of 6 octets', Buffer.from([0x01, 0x06, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01]), 2, /longer than 5 octets/],
    ['HeadersLen a uintvar above 32 bits', Buffer.from([0x01, 0x06, 0xff, 0xff, 0xff, 0xff, 0x7f]), 2, /larger than 32 bits/],
    ['HeadersLen cut off', Buffer.from([0x01, 0x06, 0x81]), 3, /HeadersLen: the value ends/],
    ['HeadersLen past the end', Buffer.from([0x01, 0x06, 0x10, 0xbe, 0xaf, 0x84]), 3, /needs 16 octets but only 3 remain/],
    ['HeadersLen 0', Buffer.from([0x01, 0x06, 0x00, 0x8c]), 3, /HeadersLen 0: a push needs at least its content type/],
    ['content type text without its NUL', push({ contentType: Buffer.from('application/vnd.wap.mms-message') }), 3, /no terminating NUL/],
    ['content type length past the headers', push({ contentType: Buffer.from([0x05, 0xbe, 0x81]) }), 3, /Value-length 5 but only 2 octets remain/],
    [
      'an X-Wap-Application-Id value cut off',
      push({ contentType: CT_MMS, headers: [Buffer.from([0xaf])] }),
      5,
      /X-Wap-Application-Id value: expected, found the end/,
    ],
    [
      'a header whose length runs past HeadersLen',
      push({ contentType: CT_MMS, headers: [Buffer.from([0x8d, 0x04, 0x01])] }),
      5,
      /value length 4 but only 1 octet remain/,
    ],
    ['a NUL where a header name belongs', push({ contentType: CT_MMS, headers: [Buffer.from([0x00])] }), 4, /header name expected/],
  ])('%s', (_what, data, offset, reason) => {
    const e = refused(data);
    expect(e.code).toBe('NOWSMS_ERR_WAP_PUSH');
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(reason);
    expect(e.message).toContain(`offset ${offset}`);
  });

  it('a good push cut anywhere inside its headers is refused, never misread', () => {
    const headersEnd = good.length - notification('pm-wap-notification-1').length;
    for (let cut = 0; cut < headersEnd; cut++) {
      const e = refused(good.subarray(0, cut));
      expect(e.offset).toBeLessThanOrEqual(cut);
    }
  });
});

describe('parseWapPush: fuzz', () => {
  it('5000 random and mutated pushes: a push whose body is the tail of the input, or a WapPushError with an offset inside the input', () => {
    const result = fuzzWapPush({ seed: 0x5eed10, cases: 5000 });
    // Both sides exercised: mutations near the front break most pushes, many survive.
    expect(result.parsed).toBeGreaterThan(200);
    expect(result.refused).toBeGreaterThan(1000);
  });
});
