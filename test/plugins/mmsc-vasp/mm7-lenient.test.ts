// How deployed MMSCs differ from the spec (each read anyway), and what the codec refuses, with the status
// the server answers: a SOAP Fault for what cannot be read at all, the operation's Rsp for the rest.
import { describe, expect, it } from 'vitest';
import type { Part } from '../../../core/index.ts';
import { buildMm7, isMm7Error, Mm7Error, namespaceOf, parseMm7, type Mm7Http } from '../../../plugins/mmsc-vasp/mm7/index.ts';

const NS = namespaceOf('REL-6-MM7-1-4');

function soap(inner: string, op = 'DeliverReq', tid = 'tx1'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
<env:Header><mm7:TransactionID xmlns:mm7="${NS}" env:mustUnderstand="1">${tid}</mm7:TransactionID></env:Header>
<env:Body><${op} xmlns="${NS}"><MM7Version>6.8.0</MM7Version>${inner}</${op}></env:Body></env:Envelope>`;
}

const deliver = (content = '<Content href="cid:c1"/>') => soap(`<Sender><Number>+447700900123</Number></Sender><Subject>s</Subject>${content}`);

/** A multipart body from parts given as header text and body, with the line end given. */
function multipart(boundary: string, parts: [string, string | Buffer][], eol = '\r\n', close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const [head, body] of parts)
    chunks.push(Buffer.from(`--${boundary}${eol}${head.split('\n').join(eol)}${eol}${eol}`), Buffer.from(body), Buffer.from(eol));
  if (close) chunks.push(Buffer.from(`--${boundary}--${eol}`));
  return Buffer.concat(chunks);
}

function content(http: Mm7Http): Part[] {
  const m = parseMm7(http);
  if (m.type !== 'DeliverReq' && m.type !== 'SubmitReq') throw new Error(m.type);
  return m.content;
}

function refusal(http: Mm7Http): Mm7Error {
  try {
    parseMm7(http);
  } catch (e) {
    if (isMm7Error(e)) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('MM7 codec: lenient where deployed MMSCs need it', () => {
  const text = 'Content-Type: text/plain; charset=utf-8';

  it('href without cid:, Content-ID with or without <>, start with or without <>', () => {
    for (const [href, cid, start] of [
      ['c1', '<c1>', '<soap>'],
      ['cid:c1', 'c1', 'soap'],
      ['<c1>', 'c1', '"<soap>"'],
      ['cid:%63%31', '<c1>', 'soap'],
    ] as const) {
      const body = multipart('b', [
        ['Content-Type: text/xml\nContent-ID: <soap>', deliver(`<Content href="${href}"/>`)],
        [`${text}\nContent-ID: ${cid}`, 'hello'],
      ]);
      expect(content({ contentType: `multipart/related; boundary=b; type="text/xml"; start=${start}`, body })).toEqual([
        { contentType: 'text/plain; charset=utf-8', contentId: 'c1', data: Buffer.from('hello') },
      ]);
    }
  });

  it('no href: the parts after the SOAP part are the content (a single multipart among them unwrapped)', () => {
    const flat = multipart('b', [
      ['Content-Type: text/xml', deliver('')],
      ['Content-Type: image/gif\nContent-Location: a.gif', 'GIF89a'],
      [text, 'hi'],
    ]);
    expect(content({ contentType: 'multipart/related; boundary=b', body: flat }).map((p) => [p.contentType, p.name ?? null, p.data.toString()])).toEqual([
      ['image/gif', 'a.gif', 'GIF89a'],
      ['text/plain; charset=utf-8', null, 'hi'],
    ]);
    const nested = multipart('b', [
      ['Content-Type: text/xml', deliver('<Content allowAdaptations="true"/>')],
      [
        'Content-Type: multipart/mixed; boundary=inner',
        multipart('inner', [
          [text, 'one'],
          [text, 'two'],
        ]),
      ],
    ]);
    expect(content({ contentType: 'multipart/related; boundary=b', body: nested }).map((p) => p.data.toString())).toEqual(['one', 'two']);
  });

  it('start missing: the SOAP part is the first part', () => {
    const body = multipart('b', [
      ['Content-Type: text/xml; charset=utf-8', deliver()],
      [`${text}\nContent-ID: <c1>`, 'x'],
    ]);
    expect(content({ contentType: 'multipart/related; boundary=b', body })).toHaveLength(1);
  });

  it('LF line ends, unquoted or quoted parameters in any case, folded headers, transfer encodings', () => {
    const body = multipart(
      'Part_1.2',
      [
        ['Content-Type: text/xml;\n\tcharset="utf-8"\nContent-ID: <soap>', deliver('<Content href="cid:all"/>')],
        [
          'Content-Type: multipart/related;\n   BOUNDARY="in ner";  type=application/smil\nContent-ID:\n <all>',
          multipart(
            'in ner',
            [
              ['Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\nContent-ID: t', 'caf=E9 =\nau lait'],
              ['Content-Type: image/png\nContent-Transfer-Encoding: base64\nContent-Location: pic%20one.png', 'iVBORw0K\nGgo='],
              ['Content-Type: application/octet-stream\nContent-Transfer-Encoding: 8bit\nContent-Disposition: attachment; filename="f.bin"', 'raw'],
              ['Content-Type: text/plain; name=n.txt\nContent-Transfer-Encoding: BINARY', 'bin'],
            ],
            '\n',
          ),
        ],
      ],
      '\n',
    );
    const parts = content({ contentType: 'Multipart/Related; type=text/xml; Start=<soap>; boundary=Part_1.2', body });
    expect(parts).toEqual([
      { contentType: 'text/plain; charset=ISO-8859-1', contentId: 't', data: Buffer.from('caf\xe9 au lait', 'latin1') },
      { contentType: 'image/png', name: 'pic one.png', data: Buffer.from('iVBORw0KGgo=', 'base64') },
      { contentType: 'application/octet-stream', name: 'f.bin', data: Buffer.from('raw') },
      { contentType: 'text/plain', name: 'n.txt', data: Buffer.from('bin') },
    ]);
  });

  it('the SOAP text in the charset the XML declares when the Content-Type names none', () => {
    const latin1 = Buffer.from(
      deliver('').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('<Subject>s</Subject>', '<Subject>caf\xe9</Subject>'),
      'latin1',
    );
    expect(parseMm7({ contentType: 'text/xml', body: latin1 })).toMatchObject({ subject: 'caf\xe9' });
  });

  it('a SOAP fault code with a dotted subcode ("soap:Client.Authentication") is a Client fault', () => {
    const f = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client.Authentication</faultcode><faultstring>who?</faultstring></s:Fault></s:Body></s:Envelope>`;
    expect(parseMm7({ contentType: 'text/xml', body: Buffer.from(f) })).toEqual({ type: 'Fault', faultCode: 'Client', faultString: 'who?' });
  });

  it('a multipart/related Content-Type over a bare SOAP body, leading blank lines, a BOM', () => {
    const body = Buffer.concat([
      Buffer.from('\r\n\ufeff'),
      Buffer.from(soap('<MessageID>m</MessageID><Recipient><Number>1</Number></Recipient><MMStatus>Retrieved</MMStatus>', 'DeliveryReportReq')),
    ]);
    expect(parseMm7({ contentType: 'multipart/related; type="text/xml";', body })).toMatchObject({
      type: 'DeliveryReportReq',
      messageId: 'm',
      mmStatus: 'Retrieved',
    });
  });
});

describe('MM7 codec: refusals', () => {
  const xml = (s: string): Mm7Http => ({ contentType: 'text/xml', body: Buffer.from(s) });

  it('XML with a DOCTYPE or ENTITY declaration, before any parsing (no XXE, no billion laughs): a Fault', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>${deliver()
      .replace(/<Subject>s<\/Subject>/, '<Subject>&lol2;</Subject>')
      .replace(/^<\?xml[^>]*>/, '')}`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${soap('<Sender><Number>1</Number></Sender><Subject>&xxe;</Subject>').replace(/^<\?xml[^>]*>/, '')}`;
    for (const s of [laughs, xxe]) {
      const e = refusal(xml(s));
      expect([e.status.code, e.fault]).toEqual([4004, true]);
      expect(e.code).toBe('NOWSMS_ERR_BAD_REQUEST');
    }
  });

  it('an undefined entity stays text: nothing is expanded or fetched', () => {
    const m = parseMm7(xml(soap('<Sender><Number>1</Number></Sender><Subject>&xxe; &amp;amp;</Subject>')));
    expect(m).toMatchObject({ subject: '&xxe; &amp;' });
  });

  it('an href to a Content-ID that is not there: the Rsp with 2004', () => {
    const body = multipart('b', [
      ['Content-Type: text/xml', deliver('<Content href="cid:missing"/>')],
      ['Content-Type: text/plain\nContent-ID: <other>', 'x'],
    ]);
    const e = refusal({ contentType: 'multipart/related; boundary=b', body });
    expect([e.status.code, e.fault, e.operation, e.transactionId]).toEqual([2004, false, 'DeliverReq', 'tx1']);
    expect(e.message).toContain('cid:missing');
  });

  it('a broken multipart: boundary never appears, no closing boundary, no boundary at all (a Fault with 4004)', () => {
    const body = multipart('b', [['Content-Type: text/xml', deliver()]]);
    for (const http of [
      { contentType: 'multipart/related; boundary=zzz', body },
      { contentType: 'multipart/related; boundary=b', body: multipart('b', [['Content-Type: text/xml', deliver()]], '\r\n', false) },
      { contentType: 'multipart/related', body: Buffer.from('--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n') },
    ]) {
      const e = refusal(http);
      expect([e.status.code, e.fault]).toEqual([4004, true]);
    }
  });

  it('a broken nested content multipart: the Rsp with 2004', () => {
    const body = multipart('b', [
      ['Content-Type: text/xml', deliver()],
      ['Content-Type: multipart/mixed; boundary=inner\nContent-ID: <c1>', '--inner\r\nContent-Type: text/plain\r\n\r\ncut off'],
    ]);
    const e = refusal({ contentType: 'multipart/related; boundary=b', body });
    expect([e.status.code, e.fault]).toEqual([2004, false]);
  });

  it('more parts than maxParts: 2004', () => {
    const parts: [string, string][] = [['Content-Type: text/xml', deliver('')]];
    for (let i = 0; i < 5; i++) parts.push(['Content-Type: text/plain', `p${i}`]);
    const http = { contentType: 'multipart/related; boundary=b', body: multipart('b', parts) };
    expect(parseMm7(http, { maxParts: 5 })).toMatchObject({ type: 'DeliverReq' });
    expect(() => parseMm7(http, { maxParts: 4 })).toThrow(expect.objectContaining({ status: expect.objectContaining({ code: 2004 }) }));
  });

  it('an unknown operation: a Fault with 4003', () => {
    const e = refusal(xml(soap('<MessageID>m</MessageID>', 'CancelReq')));
    expect([e.status.code, e.fault, e.transactionId]).toEqual([4003, true, 'tx1']);
  });

  it('an unknown MM7 schema release or MM7Version: 4002 in the Rsp', () => {
    const other = deliver('').replaceAll(NS, NS.replace('REL-6-MM7-1-4', 'REL-7-MM7-1-0'));
    expect([refusal(xml(other)).status.code, refusal(xml(other)).fault]).toEqual([4002, false]);
    // An answer in a release we do not know is read all the same (refusing it would send the MMS twice).
    const rsp = soap('<Status><StatusCode>1000</StatusCode></Status><MessageID>m9</MessageID>', 'SubmitRsp').replaceAll(
      NS,
      NS.replace('REL-6-MM7-1-4', 'REL-5-MM7-1-5'),
    );
    expect(parseMm7(xml(rsp))).toEqual({ type: 'SubmitRsp', transactionId: 'tx1', status: { code: 1000 }, messageId: 'm9' });
    const v9 = deliver('').replace('<MM7Version>6.8.0</MM7Version>', '<MM7Version>9.0.0</MM7Version>');
    expect(refusal(xml(v9)).status.code).toBe(4002);
  });

  it('missing mandatory elements: 4004 Validation error in the Rsp', () => {
    const cases: [string, string][] = [
      [deliver('').replace(/<env:Header>.*<\/env:Header>/s, ''), 'TransactionID'],
      [deliver('').replace('<MM7Version>6.8.0</MM7Version>', ''), 'MM7Version'],
      [soap('<Subject>s</Subject>'), 'Sender'],
      [soap('<Subject>s</Subject>', 'SubmitReq'), 'recipient'],
      [soap('<Recipient><Number>1</Number></Recipient><MMStatus>Retrieved</MMStatus>', 'DeliveryReportReq'), 'MessageID'],
      [soap('<MessageID>m</MessageID><MMStatus>Read</MMStatus>', 'ReadReplyReq'), 'Recipient'],
      [soap('<MessageID>m</MessageID><Recipient><Number>1</Number></Recipient>', 'DeliveryReportReq'), 'MMStatus'],
    ];
    for (const [s, what] of cases) {
      const e = refusal(xml(s));
      expect([e.status.code, e.fault]).toEqual([4004, false]);
      expect(e.message).toContain(what);
    }
  });

  it('an element value not in its format: 2007 Message format corrupt in the Rsp', () => {
    for (const inner of ['<TimeStamp>yesterday</TimeStamp>', '<Priority>Urgent</Priority>']) {
      const e = refusal(xml(deliver(inner)));
      expect([e.status.code, e.fault]).toEqual([2007, false]);
    }
    expect(refusal(xml(soap('<Recipients><To><Number>1</Number></To></Recipients><DeliveryReport>maybe</DeliveryReport>', 'SubmitReq'))).status.code).toBe(
      2007,
    );
  });

  it('what is not SOAP at all: a Fault with 4004', () => {
    for (const s of ['', 'hello', '<html><body>502 Bad Gateway</body></html>', '<env:Envelope xmlns:env="x"><env:Body/></env:Envelope>']) {
      const e = refusal(xml(s));
      expect([e.status.code, e.fault]).toEqual([4004, true]);
    }
  });

  it('a 20 MB request reads without copying its binary part', () => {
    const big = Buffer.alloc(20 * 1024 * 1024, 0xab);
    const http = buildMm7(
      {
        type: 'DeliverReq',
        transactionId: 't',
        sender: { kind: 'number', value: '1' },
        recipients: { to: [], cc: [], bcc: [] },
        content: [{ contentType: 'application/octet-stream', data: big }],
      },
      'REL-6-MM7-1-4',
    );
    const raw = multipart('b', [
      ['Content-Type: text/xml', deliver()],
      ['Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary\nContent-ID: <c1>', big],
    ]);
    const parts = content({ contentType: 'multipart/related; boundary=b', body: raw });
    expect(parts[0]!.data.length).toBe(big.length);
    // A view into the request body, not a copy.
    expect(parts[0]!.data.buffer).toBe(raw.buffer);
    expect(content(http)[0]!.data.equals(big)).toBe(true);
  });
});
