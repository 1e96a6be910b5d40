// What we write, we read back the same, in each of the nine schema releases; and what other writers do
// differently (prefixes, element order, case) reads the same too.
import { describe, expect, it } from 'vitest';
import {
  ALL_VERSIONS,
  buildMm7,
  failureOf,
  MM7_STATUSES,
  mm7VersionValue,
  namespaceOf,
  parseMm7,
  readMm7,
  statusText,
  versionOfNamespace,
  type Mm7Message,
} from '../../../plugins/mmsc-vasp/mm7/index.ts';

const jpegLike = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7 + (i >> 8)) % 256));
const allBytes = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\r\n--b\r\n'),
  jpegLike,
]);

const recipients = {
  to: [
    { kind: 'number', value: '447700900123' },
    { kind: 'number', value: '+447700900124' },
  ],
  cc: [{ kind: 'email', value: 'bob@example.com' }],
  bcc: [{ kind: 'shortCode', value: '12345' }],
} as const;

const messages: Mm7Message[] = [
  {
    type: 'SubmitReq',
    transactionId: 'tx-1 <&> "q"',
    vaspId: 'vasp',
    vasId: 'vas',
    sender: { kind: 'shortCode', value: '111122' },
    recipients: { to: [...recipients.to], cc: [...recipients.cc], bcc: [...recipients.bcc] },
    serviceCode: 'svc',
    linkedId: 'link',
    messageClass: 'Personal',
    subject: 'Photo & text <3> (FM: alice) é ✓',
    deliveryReport: true,
    readReply: false,
    priority: 'High',
    timeStamp: new Date('2026-12-06T10:00:00.000Z'),
    expiryDate: new Date('2026-12-09T10:00:00.000Z'),
    content: [
      {
        contentType: 'application/smil; charset=utf-8',
        contentId: 'smil',
        name: 'pres.smil',
        data: Buffer.from('<smil><body><par><img src="cid:img"/></par></body></smil>'),
      },
      { contentType: 'text/plain; charset=utf-8', contentId: 'txt', name: 'text é.txt', data: Buffer.from('Hello ✓\r\nsecond line\n') },
      { contentType: 'image/jpeg', contentId: 'img', name: 'photo.jpg', data: allBytes },
    ],
  },
  {
    type: 'DeliverReq',
    transactionId: 'd1',
    mmsRelayServerId: 'mmsc',
    linkedId: 'l',
    sender: { kind: 'number', value: '+447700900123' },
    recipients: { to: [{ kind: 'shortCode', value: '111122' }], cc: [], bcc: [] },
    subject: 'Re: hi (FM: alice)',
    priority: 'Normal',
    timeStamp: new Date('2026-12-06T10:00:01.000Z'),
    messageId: 'mmsc-42',
    content: [
      { contentType: 'image/jpeg', contentId: 'a.jpg', data: allBytes },
      { contentType: 'audio/amr', name: 'voice.amr', data: Buffer.from('#!AMR\n\u0000\u0001') },
    ],
  },
  {
    type: 'DeliverReq',
    transactionId: 'd2',
    sender: { kind: 'email', value: 'x@example.com' },
    recipients: { to: [], cc: [], bcc: [] },
    content: [],
  },
  {
    type: 'DeliveryReportReq',
    transactionId: 'r1',
    messageId: 'm1',
    recipient: { kind: 'number', value: '447700900123' },
    sender: { kind: 'shortCode', value: '111122' },
    date: new Date('2026-12-06T10:00:02.000Z'),
    mmStatus: 'Retrieved',
    statusText: 'ok',
  },
  { type: 'ReadReplyReq', transactionId: 'rr', messageId: 'm1', recipient: { kind: 'number', value: '1' }, timeStamp: new Date(0), mmStatus: 'Read' },
  { type: 'SubmitRsp', transactionId: 't', status: { code: 1000, text: 'Success' }, messageId: 'm1' },
  { type: 'SubmitRsp', transactionId: 't', status: { code: 2002, text: 'Address Error', details: 'no such number' } },
  { type: 'DeliverRsp', transactionId: 't', status: { code: 1000, text: 'Success' }, serviceCode: 's' },
  { type: 'DeliveryReportRsp', transactionId: 't', status: { code: 1000, text: 'Success' } },
  { type: 'ReadReplyRsp', transactionId: 't', status: { code: 4006, text: 'Service unavailable' } },
  {
    type: 'Fault',
    faultCode: 'Client',
    faultString: 'bad <request>',
    transactionId: 't',
    status: { code: 4004, text: 'Validation error', details: 'no MM7Version' },
  },
  { type: 'Fault', faultCode: 'Server', faultString: 'down' },
];

describe('MM7 codec: build then parse gives the same message', () => {
  for (const version of ALL_VERSIONS) {
    it(`${version}: every operation, its namespace and MM7Version ${mm7VersionValue(version)}`, () => {
      for (const m of messages) {
        const http = buildMm7(m, version);
        const xml = http.body.toString('latin1');
        // A bare fault (no TransactionID, no status) has nothing in the MM7 namespace.
        const bare = m.type === 'Fault' && !m.status && m.transactionId === undefined;
        if (!bare) expect(xml).toContain(namespaceOf(version));
        // Exactly one schema release in what we write.
        expect(new Set(xml.match(/schema\/REL-[\d-]+MM7-[\d-]+/g))).toEqual(new Set(bare ? [] : [`schema/${version}`]));
        if (m.type !== 'Fault' || m.status) expect(xml).toContain(`<MM7Version>${mm7VersionValue(version)}</MM7Version>`);
        const read = readMm7(http);
        expect(read.message).toEqual(m);
        expect(read.version).toBe(bare ? undefined : version);
      }
    });
  }

  it('a message with content is multipart/related, type text/xml, start naming the SOAP part, which comes first', () => {
    const http = buildMm7(messages[0]!, 'REL-6-MM7-1-4', { boundary: 'outer' });
    expect(http.contentType).toBe('multipart/related; boundary=outer; type="text/xml"; start="<mm7-soap@nowsms>"');
    const body = http.body.toString('latin1');
    expect(body.startsWith('--outer\r\nContent-Type: text/xml; charset=utf-8\r\nContent-ID: <mm7-soap@nowsms>\r\n\r\n<?xml')).toBe(true);
    expect(body).toContain('<Content href="cid:mm7-content@nowsms"/>');
    expect(body).toMatch(
      /--outer\r\nContent-Type: multipart\/related; boundary=outer-content; type="application\/smil"; start="<smil>"\r\nContent-ID: <mm7-content@nowsms>/,
    );
    expect(body.endsWith('--outer--\r\n')).toBe(true);
    expect(body).toContain('env:mustUnderstand="1"');
  });

  it('content without SMIL goes as multipart/mixed; a message without content is text/xml in UTF-8', () => {
    expect(buildMm7(messages[1]!, 'REL-5-MM7-1-0', { boundary: 'o' }).body.toString('latin1')).toContain('Content-Type: multipart/mixed; boundary=o-content');
    expect(buildMm7(messages[3]!, 'REL-5-MM7-1-0').contentType).toBe('text/xml; charset=utf-8');
  });

  it('a fault carries faultcode env:Client/env:Server, faultstring and the status in VASPErrorRsp or RSErrorRsp', () => {
    const xml = buildMm7(messages[10]!, 'REL-6-MM7-1-4', { faultDetail: 'RSErrorRsp' }).body.toString();
    expect(xml).toContain('<faultcode>env:Client</faultcode><faultstring>bad &lt;request&gt;</faultstring><detail><RSErrorRsp');
    expect(xml).toContain('<StatusCode>4004</StatusCode>');
    expect(buildMm7(messages[10]!, 'REL-6-MM7-1-4').body.toString()).toContain('<VASPErrorRsp');
  });

  it('keeps every byte of a binary part (all 256 values, a line that looks like a boundary)', () => {
    const m = parseMm7(buildMm7(messages[1]!, 'REL-6-MM7-1-4'));
    if (m.type !== 'DeliverReq') throw new Error(m.type);
    expect(Buffer.compare(m.content[0]!.data, allBytes)).toBe(0);
  });
});

const NS = namespaceOf('REL-5-MM7-1-2');

describe('MM7 codec: other writers', () => {
  it('reads other prefixes, prefixed body elements, another element order and other case', () => {
    const xml = `<?xml version="1.0"?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${NS}">
 <S:Header><m:TransactionID S:mustUnderstand="1"> abc </m:TransactionID></S:Header>
 <S:Body><m:SubmitReq>
  <m:Subject>Hi &amp; &#233;&#x2713; &amp;lt;</m:Subject>
  <m:Recipients><m:Bcc><m:Number>3</m:Number></m:Bcc><m:To><m:Number>1</m:Number><m:RFC2822Address>+4477/TYPE=PLMN</m:RFC2822Address></m:To><m:To><m:ShortCode>2</m:ShortCode></m:To></m:Recipients>
  <m:senderidentification><m:SenderAddress>+15551234567</m:SenderAddress><m:VASID>b</m:VASID><m:VASPID>a</m:VASPID></m:senderidentification>
  <m:DeliveryReport>1</m:DeliveryReport>
  <m:MM7Version>5.3.0</m:MM7Version>
 </m:SubmitReq></S:Body></S:Envelope>`;
    const { message, version } = readMm7({ contentType: 'text/xml', body: Buffer.from(xml) });
    expect(version).toBe('REL-5-MM7-1-2');
    expect(message).toEqual({
      type: 'SubmitReq',
      transactionId: 'abc',
      vaspId: 'a',
      vasId: 'b',
      sender: { kind: 'number', value: '+15551234567' },
      recipients: {
        to: [
          { kind: 'number', value: '1' },
          { kind: 'number', value: '+4477' },
          { kind: 'shortCode', value: '2' },
        ],
        cc: [],
        bcc: [{ kind: 'number', value: '3' }],
      },
      subject: 'Hi & é✓ &lt;',
      deliveryReport: true,
      content: [],
    });
  });

  it('reads an RSErrorRsp sent straight in the Body as a fault with its status', () => {
    const xml = `<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header><mm7:TransactionID xmlns:mm7="${NS}">t</mm7:TransactionID></env:Header><env:Body><mm7:RSErrorRsp xmlns:mm7="${NS}"><MM7Version>5.3.0</MM7Version><StatusCode>3000</StatusCode><StatusText>busy</StatusText></mm7:RSErrorRsp></env:Body></env:Envelope>`;
    expect(parseMm7({ contentType: 'text/xml', body: Buffer.from(xml) })).toEqual({
      type: 'Fault',
      faultCode: 'Server',
      faultString: 'busy',
      transactionId: 't',
      status: { code: 3000, text: 'busy' },
    });
  });
});

describe('MM7 status codes and versions', () => {
  it('names every TS 23.140 status and classes each failure', () => {
    expect(MM7_STATUSES.map((s) => s.code)).toEqual([
      1000, 1100, 2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 3000, 3001, 3002, 3003, 3004, 4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007,
      4008,
    ]);
    expect(statusText(2002)).toBe('Address Error');
    expect(statusText(4006)).toBe('Service unavailable');
    expect([1000, 1100].map(failureOf)).toEqual([undefined, undefined]);
    expect([2002, 2007, 4004, 4005, 4007].map(failureOf)).toEqual(['permanent', 'permanent', 'permanent', 'permanent', 'permanent']);
    expect([3000, 4000, 4006].map(failureOf)).toEqual(['temporary', 'temporary', 'temporary']);
    expect([2999, 3999, 6102].map(failureOf)).toEqual(['permanent', 'temporary', 'permanent']);
  });

  it('knows the nine namespaces and no others', () => {
    for (const v of ALL_VERSIONS) expect(versionOfNamespace(namespaceOf(v))).toBe(v);
    expect(ALL_VERSIONS).toHaveLength(9);
    expect(versionOfNamespace(`${namespaceOf('REL-6-MM7-1-4').replace('http:', 'https:')}/`)).toBe('REL-6-MM7-1-4');
    expect(versionOfNamespace('http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-5')).toBeUndefined();
    expect(mm7VersionValue('REL-6-MM7-1-4')).toBe('6.8.0');
    expect(mm7VersionValue('REL-5-MM7-1-0')).toBe('5.3.0');
  });
});
