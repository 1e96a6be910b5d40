// The MMSC simulator checked on its own, before it is trusted to judge the gateway: it reads a real
// operator's SubmitReq (Sinch's published example, posted by curl) field by field and byte for byte; what
// its client sends is read back by its own strict reader; every misbehaviour is seen by a plain fetch().
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../../helpers/peers.ts';
import { makeCertificate } from '../../helpers/tls.ts';
import { VECTORS_DIR, readVectors } from '../../helpers/vectors.ts';
import {
  MmscSimulator,
  Mm7Reject,
  deliver,
  deliveryReport,
  parseDeliverRequest,
  postRaw,
  readAnswer,
  readReply,
  rspFor,
  type DeliverRequest,
  type ReportRequest,
} from './mmsc-simulator/index.ts';
import { parseMultipart } from './mmsc-simulator/mime.ts';
import { parseXml, type XmlElement } from './mmsc-simulator/xml.ts';

const run = promisify(execFile);
const VASP = { vaspId: 'nowsms-vasp', password: 's3cret:pw' };

interface Example {
  file: string;
  fields_extracted: Record<string, string>;
  http_content_type?: string;
  parts_content_types?: string[];
}
const examples = readVectors<{ examples: Example[] }>('mm7/mm7_examples.json').examples;
const example = (file: string) => examples.find((e) => e.file === file)!;

/** A whole HTTP message from the vectors: its headers (folded lines joined) and its body. */
function vectorHttp(file: string): { headers: Record<string, string>; body: string } {
  const text = readFileSync(path.join(VECTORS_DIR, 'mm7', file), 'latin1');
  const split = text.indexOf('\n\n');
  const headers: Record<string, string> = {};
  for (const line of text
    .slice(0, split)
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')
    .slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: text.slice(split + 2) };
}

/** The examples were copied from markdown with LF line ends; MIME on the wire is CRLF (the vectors' own note). */
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

let sim: MmscSimulator | undefined;
let stub: http.Server | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  if (stub) {
    stub.closeAllConnections();
    await new Promise((r) => stub!.close(r));
    stub = undefined;
  }
});

async function curlPost(
  url: string,
  contentType: string,
  soapAction: string,
  body: string,
  auth: string,
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mm7-curl-'));
  writeFileSync(path.join(dir, 'body'), body, 'latin1');
  const { stdout } = await run(
    'curl',
    [
      '-sS',
      '-u',
      auth,
      '-H',
      `Content-Type: ${contentType}`,
      '-H',
      `SOAPAction: ${soapAction}`,
      '--data-binary',
      `@${path.join(dir, 'body')}`,
      '-D',
      path.join(dir, 'head'),
      '-o',
      path.join(dir, 'out'),
      '-w',
      '%{http_code}',
      url,
    ],
    { encoding: 'utf8' },
  );
  const head = readFileSync(path.join(dir, 'head'), 'latin1');
  return { status: Number(stdout), contentType: /^content-type:\s*(.*?)\r?$/im.exec(head)?.[1] ?? '', body: readFileSync(path.join(dir, 'out')) };
}

/** Element tree as local names (what a schema fixes), text left out. */
function shape(el: XmlElement): unknown {
  return el.children.length === 0 ? el.local : { [el.local]: el.children.map(shape) };
}

describe('MMSC simulator: the server reads a real SubmitReq', () => {
  it.skipIf(missingPeer('curl'))(
    'records every field of Sinch submit_4 posted by curl, parts byte for byte, and answers SubmitRsp 1000 with a MessageID',
    async () => {
      sim = await MmscSimulator.start(VASP);
      const v = vectorHttp('sinch_mm7_submit_4.http');
      const ex = example('sinch_mm7_submit_4.http');
      expect(v.headers['content-type']).toBe(ex.http_content_type);
      const res = await curlPost(sim.url, v.headers['content-type']!, v.headers.soapaction!, crlf(v.body), `${VASP.vaspId}:${VASP.password}`);

      expect(sim.rejected).toEqual([]);
      const [s] = sim.submissions;
      const f = ex.fields_extracted;
      expect({
        TransactionID: s!.transactionId,
        MM7Version: s!.mm7Version,
        VASPID: s!.vaspId,
        VASID: s!.vasId,
        ShortCode: s!.sender?.kind === 'ShortCode' ? s!.sender.value : undefined,
        Subject: s!.subject,
        TimeStamp: s!.timeStamp,
        ExpiryDate: s!.expiryDate,
        DeliveryReport: String(s!.deliveryReport),
        'To.Number': s!.to.filter((a) => a.kind === 'Number').map((a) => a.value)[0],
        'Content.href': s!.content?.href,
        'Content.allowAdaptations': String(s!.content?.allowAdaptations),
      }).toEqual(f);
      expect([s!.cc, s!.bcc]).toEqual([[], []]);
      expect(s!.namespace).toBe('http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4');
      expect(s!.soapAction).toBe(v.headers.soapaction);
      expect(s!.user).toBe(VASP.vaspId);
      // text/xml (the SOAP part), the multipart/related content, then its two parts.
      expect(['text/xml', s!.content!.contentType.split(';')[0], ...s!.parts.map((p) => p.type)]).toEqual(ex.parts_content_types);
      expect(s!.parts.map((p) => p.contentId)).toEqual(['132c4ca56a209475', 'mms.smil']);
      const smil = /Content-ID: <mms\.smil>\n\n(.*)\n--subBoundary--/s.exec(v.body)![1]!;
      expect(s!.parts[0]!.data.equals(Buffer.from('MM7 Test Text'))).toBe(true);
      expect(s!.parts[1]!.data.equals(Buffer.from(smil, 'latin1'))).toBe(true);
      // Sinch's example leaves SubmitReq unqualified and out of schema order: accepted, each noted.
      expect(s!.warnings.join('\n')).toMatch(/SubmitReq is in no namespace/);
      expect(s!.warnings.join('\n')).toMatch(/<SenderIdentification> after <DeliveryReport>/);

      const a = readAnswer(res.status, res.contentType, res.body);
      expect(a).toMatchObject({
        httpStatus: 200,
        type: 'SubmitRsp',
        statusCode: 1000,
        transactionId: '555e29f8879be',
        namespace: s!.namespace,
        mm7Version: '6.8.0',
        warnings: [],
      });
      expect(a.messageId).toBe(s!.messageId);
      expect(a.messageId).toMatch(/^\d+$/);
    },
  );

  it.skipIf(missingPeer('curl'))(
    'its SubmitRsp has the element structure of the MMSC answer in submit_5, which its answer reader reads as listed',
    async () => {
      const v = vectorHttp('sinch_mm7_submit_5.http');
      const f = example('sinch_mm7_submit_5.http').fields_extracted;
      const vectorAnswer = readAnswer(200, v.headers['content-type'], Buffer.from(v.body));
      expect(vectorAnswer).toMatchObject({ type: 'SubmitRsp', warnings: ['answer in application/xml: SOAP 1.1 over HTTP is text/xml'] });
      expect({
        TransactionID: vectorAnswer.transactionId,
        MM7Version: vectorAnswer.mm7Version,
        StatusCode: String(vectorAnswer.statusCode),
        StatusText: vectorAnswer.statusText,
        MessageID: vectorAnswer.messageId,
      }).toEqual(f);

      sim = await MmscSimulator.start(VASP);
      const req = vectorHttp('sinch_mm7_submit_4.http');
      const res = await curlPost(sim.url, req.headers['content-type']!, '""', crlf(req.body), `${VASP.vaspId}:${VASP.password}`);
      expect(res.contentType).toMatch(/^text\/xml/);
      expect(shape(parseXml(res.body.toString('utf8')))).toEqual(shape(parseXml(v.body)));
    },
  );

  it.skipIf(missingPeer('curl'))('the same example as published (LF line ends) is refused with a Fault that says why, and recorded as rejected', async () => {
    sim = await MmscSimulator.start(VASP);
    const v = vectorHttp('sinch_mm7_submit_4.http');
    const res = await curlPost(sim.url, v.headers['content-type']!, v.headers.soapaction!, v.body, `${VASP.vaspId}:${VASP.password}`);
    const a = readAnswer(res.status, res.contentType, res.body);
    expect(a).toMatchObject({ httpStatus: 500, type: 'Fault', faultCode: 'env:Client', statusCode: 2007 });
    expect(a.details).toMatch(/LF, not CRLF/);
    expect(sim.submissions).toEqual([]);
    expect(sim.rejected.map((r) => r.reason)).toEqual([a.details]);
  });
});

/** A SubmitReq in the spec's own form (CRLF, qualified elements), for the misbehaviour tests. */
function submitBody(to = '+447700900123', report = false): { contentType: string; body: string } {
  const ns = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-2';
  const xml =
    `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>` +
    `<m:TransactionID xmlns:m="${ns}" soap:mustUnderstand="1">t-1</m:TransactionID></soap:Header><soap:Body>` +
    `<m:SubmitReq xmlns:m="${ns}"><m:MM7Version>5.3.0</m:MM7Version><m:SenderIdentification><m:VASPID>nowsms-vasp</m:VASPID>` +
    `<m:SenderAddress><m:Number>+15550001111</m:Number></m:SenderAddress></m:SenderIdentification>` +
    `<m:Recipients><m:To><m:Number>${to}</m:Number></m:To></m:Recipients>${report ? '<m:DeliveryReport>true</m:DeliveryReport>' : ''}<m:Subject>hi</m:Subject>` +
    `<m:Content href="cid:c1"/></m:SubmitReq></soap:Body></soap:Envelope>`;
  const body = crlf(
    `--b\nContent-Type: text/xml; charset=utf-8\nContent-ID: <soap>\n\n${xml}\n--b\nContent-Type: text/plain\nContent-ID: <c1>\n\nhello\n--b--\n`,
  );
  return { contentType: 'multipart/related; boundary=b; type="text/xml"; start="<soap>"', body };
}

const auth = (user = VASP.vaspId, pw = VASP.password) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

async function fetchSubmit(to?: string, authorization = auth(), report = false): Promise<Response> {
  const { contentType, body } = submitBody(to, report);
  return fetch(sim!.url, { method: 'POST', headers: { 'content-type': contentType, soapaction: '""', authorization }, body });
}

async function answerOf(res: Response) {
  return readAnswer(res.status, res.headers.get('content-type') ?? undefined, Buffer.from(await res.arrayBuffer()));
}

describe('MMSC simulator: misbehaviour on demand, seen by a plain fetch()', () => {
  it('a valid SubmitReq in the spec form is accepted with no warnings, in its own namespace', async () => {
    sim = await MmscSimulator.start(VASP);
    const a = await answerOf(await fetchSubmit());
    expect(a).toMatchObject({ type: 'SubmitRsp', statusCode: 1000, transactionId: 't-1', mm7Version: '5.3.0' });
    expect(a.namespace).toMatch(/REL-5-MM7-1-2$/);
    expect(sim.submissions[0]!.warnings).toEqual([]);
    expect(sim.submissions[0]!.parts.map((p) => p.data.toString())).toEqual(['hello']);
  });

  it('answers queued status codes in order, with their text and no MessageID, then accepts again', async () => {
    sim = await MmscSimulator.start(VASP);
    sim.answerNext({ status: 2002 }, { status: 3000, text: 'try later' }, { status: 4006 });
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await answerOf(await fetchSubmit()));
    expect(got.map((a) => [a.httpStatus, a.type, a.statusCode, a.statusText, a.messageId])).toEqual([
      [200, 'SubmitRsp', 2002, 'Address Error', undefined],
      [200, 'SubmitRsp', 3000, 'try later', undefined],
      [200, 'SubmitRsp', 4006, 'Service unavailable', undefined],
      [200, 'SubmitRsp', 1000, 'Success', sim.submissions[3]!.messageId],
    ]);
    expect(sim.submissions.map((s) => s.answer)).toEqual([{ status: 2002 }, { status: 3000, text: 'try later' }, { status: 4006 }, 'accept']);
  });

  it('asks a function per request when the queue is empty', async () => {
    sim = await MmscSimulator.start({ ...VASP, answer: (s) => (s.to[0]?.value === '+447700900999' ? { status: 2003 } : undefined) });
    expect((await answerOf(await fetchSubmit('+447700900999'))).statusCode).toBe(2003);
    expect((await answerOf(await fetchSubmit('+447700900123'))).statusCode).toBe(1000);
  });

  it('waits before answering when slow', async () => {
    sim = await MmscSimulator.start(VASP);
    sim.answerNext({ delayMs: 400 });
    const t0 = Date.now();
    const pending = fetchSubmit();
    let answered = false;
    void pending.then(() => (answered = true));
    await sim.waitForSubmissions(1);
    expect(answered).toBe(false);
    const a = await answerOf(await pending);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(a.statusCode).toBe(1000);
  });

  it('drops the connection without answering', async () => {
    sim = await MmscSimulator.start(VASP);
    sim.answerNext('drop');
    await expect(fetchSubmit()).rejects.toThrow(/fetch failed/);
    expect(sim.submissions).toHaveLength(1);
    expect((await answerOf(await fetchSubmit())).statusCode).toBe(1000);
  });

  it('answers HTTP 500 with an HTML page', async () => {
    sim = await MmscSimulator.start(VASP);
    sim.answerNext({ http: 500 });
    const res = await fetchSubmit();
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/<html>.*Internal Server Error/s);
  });

  it('answers SOAP Faults, Client and Server, with the MM7 status in the detail', async () => {
    sim = await MmscSimulator.start(VASP);
    sim.answerNext({ fault: 'Server', status: 3000 }, { fault: 'Client', status: 4004, text: 'bad recipient' });
    const server = await answerOf(await fetchSubmit());
    const client = await answerOf(await fetchSubmit());
    expect([server.httpStatus, server.type, server.faultCode, server.statusCode, server.transactionId]).toEqual([500, 'Fault', 'env:Server', 3000, 't-1']);
    expect([client.httpStatus, client.type, client.faultCode, client.statusCode, client.statusText]).toEqual([
      500,
      'Fault',
      'env:Client',
      4004,
      'bad recipient',
    ]);
  });

  it('answers XML that is not well-formed', async () => {
    sim = await MmscSimulator.start(VASP);
    sim.answerNext('malformed');
    const a = await answerOf(await fetchSubmit());
    expect([a.httpStatus, a.type]).toEqual([200, 'other']);
    expect(a.error).toMatch(/not well-formed/);
  });

  it('refuses wrong or missing credentials with 401 and records nothing as submitted', async () => {
    sim = await MmscSimulator.start(VASP);
    const wrong = await fetchSubmit(undefined, auth(VASP.vaspId, 'nope'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const none = await fetch(sim.url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<x/>' });
    expect(none.status).toBe(401);
    expect(sim.submissions).toEqual([]);
    expect(sim.rejected.map((r) => [r.httpStatus, r.reason])).toEqual([
      [401, 'wrong HTTP Basic credentials'],
      [401, 'no HTTP Basic credentials'],
    ]);
  });

  it('refuses what breaks the spec with a Client Fault naming the reason: no start part, href to nothing, a DTD, another release than configured', async () => {
    const { contentType, body } = submitBody();
    const post = (ct: string, b: string) =>
      fetch(sim!.url, { method: 'POST', headers: { 'content-type': ct, soapaction: '""', authorization: auth() }, body: b }).then(answerOf);
    sim = await MmscSimulator.start(VASP);
    const answers = [
      await post(contentType.replace('<soap>', '<nope>'), body),
      await post(contentType, body.replace('cid:c1', 'cid:c2')),
      await post(contentType, body.replace('<?xml version="1.0"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>')),
    ];
    const reasons = sim.rejected.map((r) => r.reason);
    expect(sim.submissions).toEqual([]);
    await sim.stop();
    sim = await MmscSimulator.start({ ...VASP, version: 'REL-6-MM7-1-4' });
    answers.push(await post(contentType, body));
    reasons.push(...sim.rejected.map((r) => r.reason));
    expect(answers.map((a) => [a.httpStatus, a.type, a.faultCode, a.statusCode])).toEqual([
      [500, 'Fault', 'env:Client', 2007],
      [500, 'Fault', 'env:Client', 2007],
      [500, 'Fault', 'env:Client', 2007],
      [500, 'Fault', 'env:Client', 4002],
    ]);
    expect(reasons).toEqual([
      'start="<nope>" names no part\'s Content-ID',
      'Content href="cid:c2" names no attachment\'s Content-ID',
      'XML with a DOCTYPE (SOAP 1.1 forbids a DTD in a message)',
      'schema release REL-5-MM7-1-2 is not one this MMSC speaks (REL-6-MM7-1-4)',
    ]);
    expect(answers.map((a) => a.details)).toEqual(reasons);
    expect(sim.submissions).toEqual([]);
  });

  it.skipIf(missingPeer('openssl'))('speaks HTTPS when given a certificate', async () => {
    const { keyFile, certFile } = makeCertificate();
    sim = await MmscSimulator.start({ ...VASP, tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) } });
    expect(sim.urlWithCredentials).toMatch(/^https:\/\//);
    const { contentType, body } = submitBody();
    const a = await postRaw(sim.urlWithCredentials, { contentType, body, headers: { SOAPAction: '""' } });
    expect([a.type, a.statusCode]).toEqual(['SubmitRsp', 1000]);
    expect(sim.submissions[0]!.user).toBe(VASP.vaspId);
  });

  it('gives URLs with and without credentials, and a NOWSMS_MMSC_URL with its query', async () => {
    sim = await MmscSimulator.start(VASP);
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}/mm7`);
    expect(sim.mmscUrl({ vasid: 'svc', servicecode: 'c1' })).toBe(`http://nowsms-vasp:s3cret%3Apw@127.0.0.1:${sim.port}/mm7?vasid=svc&servicecode=c1`);
    const u = new URL(sim.urlWithCredentials);
    expect([decodeURIComponent(u.username), decodeURIComponent(u.password)]).toEqual([VASP.vaspId, VASP.password]);
  });
});

/** Where the gateway's inbound MM7 endpoint would be: reads with the simulator's strict reader, answers the Rsp. */
async function startStub(): Promise<{ url: string; got: (DeliverRequest | ReportRequest)[]; refused: string[] }> {
  const got: (DeliverRequest | ReportRequest)[] = [];
  const refused: string[] = [];
  stub = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== auth('mmsc', 'pw')) return void res.writeHead(401).end();
      try {
        const r = parseDeliverRequest(req.headers['content-type'], Buffer.concat(chunks));
        got.push(r);
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(rspFor(r));
      } catch (e) {
        if (!(e instanceof Mm7Reject)) throw e;
        refused.push(e.message);
        res.writeHead(500, { 'content-type': 'text/xml' }).end('<x/>');
      }
    });
  });
  await new Promise<void>((r) => stub!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(stub.address() as net.AddressInfo).port}/mm7`, got, refused };
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const creds = { user: 'mmsc', password: 'pw' };

describe('MMSC simulator: its client side, read back by its own strict reader', () => {
  it('DeliverReq: parts byte for byte (all 256 byte values), a generated SMIL first, addresses and subject; DeliverRsp 1000 comes back', async () => {
    const s = await startStub();
    const text = 'Réponse (FM: alice) — ok\r\n';
    const a = await deliver(s.url, {
      ...creds,
      from: '+447700900123',
      to: ['+15550002222'],
      cc: ['bob@example.com'],
      subject: 'Re: photo (FM: alice)',
      smil: true,
      transactionId: 'tx-1',
      parts: [
        { contentType: 'image/jpeg', name: 'photo.jpg', data: ALL_BYTES },
        { contentType: 'text/plain; charset=utf-8', contentId: 'text1', data: text },
      ],
    });
    expect(s.refused).toEqual([]);
    expect(a).toMatchObject({ httpStatus: 200, type: 'DeliverRsp', statusCode: 1000, transactionId: 'tx-1', warnings: [] });
    const r = s.got[0] as DeliverRequest;
    expect(r).toMatchObject({ type: 'DeliverReq', transactionId: 'tx-1', subject: 'Re: photo (FM: alice)', mm7Version: '6.8.0', warnings: [] });
    expect(r.sender).toEqual({ kind: 'Number', value: '+447700900123' });
    expect([r.to, r.cc]).toEqual([[{ kind: 'Number', value: '+15550002222' }], [{ kind: 'RFC2822Address', value: 'bob@example.com' }]]);
    expect(r.parts.map((p) => [p.type, p.contentId, p.contentLocation])).toEqual([
      ['application/smil', 'presentation.smil', 'presentation.smil'],
      ['image/jpeg', 'photo.jpg', 'photo.jpg'],
      ['text/plain', 'text1', undefined],
    ]);
    expect(r.parts[0]!.data.toString()).toContain('<img src="cid:photo.jpg" region="Image"/><text src="cid:text1" region="Text"/>');
    expect(r.parts[1]!.data.equals(ALL_BYTES)).toBe(true);
    expect(r.parts[2]!.data.equals(Buffer.from(text))).toBe(true);
  });

  it('DeliverReq with base64 media, another release and the default-namespace style reads the same bytes', async () => {
    const s = await startStub();
    const a = await deliver(s.url, {
      ...creds,
      from: '+447700900123',
      to: ['12345'],
      parts: [{ contentType: 'audio/amr', data: ALL_BYTES }],
      transferEncoding: 'base64',
      version: 'REL-5-MM7-1-0',
      prefix: '',
      envPrefix: 'soapenv',
    });
    expect(a).toMatchObject({ type: 'DeliverRsp', statusCode: 1000 });
    const r = s.got[0] as DeliverRequest;
    expect([r.release, r.mm7Version, r.warnings]).toEqual(['REL-5-MM7-1-0', '5.3.0', []]);
    expect(r.parts[0]!.data.equals(ALL_BYTES)).toBe(true);
    expect(r.parts[0]!.headers['content-transfer-encoding']).toBe('base64');
  });

  it('the lenient styles really are off-spec: LF line ends and a bare href are refused by the strict reader, a Content-ID without <> is noted', async () => {
    const s = await startStub();
    const base = { ...creds, from: '+447700900123', to: ['12345'], parts: [{ contentType: 'text/plain', data: 'x' }] };
    expect((await deliver(s.url, { ...base, eol: 'LF' })).httpStatus).toBe(500);
    expect((await deliver(s.url, { ...base, href: 'bare' })).httpStatus).toBe(500);
    expect(s.refused).toEqual([
      'multipart lines end in LF, not CRLF (RFC 2046 delimiters are CRLF--boundary)',
      'Content href="mms-content" is not a cid: URL (RFC 2392)',
    ]);
    expect((await deliver(s.url, { ...base, contentIdBrackets: false })).statusCode).toBe(1000);
    expect(s.got[0]!.warnings.some((w) => /without <>/.test(w))).toBe(true);
    // Without a Content element the reader keeps no parts and says what it left.
    expect((await deliver(s.url, { ...base, href: 'omit' })).statusCode).toBe(1000);
    expect([(s.got[1] as DeliverRequest).parts, s.got[1]!.warnings]).toEqual([[], ['DeliverReq has attachments but no <Content> pointing at them']]);
  });

  it('DeliveryReportReq and ReadReplyReq carry the message id, recipient and MMStatus; their Rsp come back', async () => {
    const s = await startStub();
    const dr = await deliveryReport(s.url, {
      ...creds,
      messageId: '369500000001',
      recipient: '+447700900123',
      sender: '12345',
      mmStatus: 'Retrieved',
      statusText: 'Delivered',
    });
    const rr = await readReply(s.url, { ...creds, messageId: '369500000001', recipient: '+447700900123', mmStatus: 'Read' });
    expect([dr.type, dr.statusCode, rr.type, rr.statusCode]).toEqual(['DeliveryReportRsp', 1000, 'ReadReplyRsp', 1000]);
    expect(s.got).toMatchObject([
      {
        type: 'DeliveryReportReq',
        messageId: '369500000001',
        recipient: { kind: 'Number', value: '+447700900123' },
        sender: { kind: 'Number', value: '12345' },
        mmStatus: 'Retrieved',
        statusText: 'Delivered',
        warnings: [],
      },
      { type: 'ReadReplyReq', messageId: '369500000001', mmStatus: 'Read', warnings: [] },
    ]);
  });

  it('sends a delivery report on its own for each recipient of an accepted SubmitReq that asks for one, in its release', async () => {
    const s = await startStub();
    sim = await MmscSimulator.start({ ...VASP, reports: { url: s.url, ...creds, mmStatus: 'Expired' } });
    await answerOf(await fetchSubmit('+447700900555')); // no report asked
    const a = await answerOf(await fetchSubmit('+447700900123', auth(), true));
    const [sent] = await sim.waitForReports(1);
    expect(sent).toMatchObject({ messageId: a.messageId, recipient: { kind: 'Number', value: '+447700900123' }, mmStatus: 'Expired' });
    expect(sent!.answer).toMatchObject({ type: 'DeliveryReportRsp', statusCode: 1000 });
    expect(s.got).toMatchObject([
      { type: 'DeliveryReportReq', release: 'REL-5-MM7-1-2', messageId: a.messageId, mmStatus: 'Expired', sender: { value: '+15550001111' } },
    ]);
    expect(sim.reportsSent).toHaveLength(1);
  });

  it("Sinch's published MMSC requests are refused by the strict reader for the faults the vectors note", () => {
    const deliverReq = vectorHttp('sinch_mm7_deliver_3.http');
    expect(() => parseDeliverRequest(deliverReq.headers['content-type'], Buffer.from(crlf(deliverReq.body)))).toThrow(
      /XML not well-formed|undeclared namespace prefix/,
    );
    const report = vectorHttp('sinch_mm7_deliveryreport_3.http');
    expect(() => parseDeliverRequest(report.headers['content-type'], Buffer.from(crlf(report.body)))).toThrow('multipart without a boundary parameter');
    // The report's XML itself is sound: as the text/xml it is, it reads with the fields the vectors list.
    const r = parseDeliverRequest('text/xml', Buffer.from(report.body)) as ReportRequest;
    const f = example('sinch_mm7_deliveryreport_3.http').fields_extracted;
    expect({
      TransactionID: r.transactionId,
      MM7Version: r.mm7Version,
      StatusText: r.statusText,
      MessageID: r.messageId,
      Date: r.date,
      MMStatus: r.mmStatus,
      'Recipient.Number': r.recipient.value,
      'Sender.Number': r.sender?.value,
    }).toEqual(f);
  });

  it('wrong credentials at the VASP come back as an HTTP 401 answer of type other', async () => {
    const s = await startStub();
    const a = await deliver(s.url, {
      user: 'mmsc',
      password: 'wrong',
      from: '+447700900123',
      to: ['12345'],
      parts: [{ contentType: 'text/plain', data: 'x' }],
    });
    expect([a.httpStatus, a.type]).toEqual([401, 'other']);
    expect(s.got).toEqual([]);
  });
});

describe('MMSC simulator: its MIME and XML readers', () => {
  it('keeps a preamble out, undoes base64 and quoted-printable, unfolds headers, and refuses a body without its closing delimiter', () => {
    const body = crlf(
      'preamble\n--b\nContent-Type: text/plain;\n  charset=utf-8\nContent-Transfer-Encoding: quoted-printable\nContent-ID: <q>\n\ncaf=C3=A9 =\nau lait\n' +
        '--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAEC\n/w==\n--b--\nepilogue',
    );
    const parts = parseMultipart(Buffer.from(body), 'b');
    expect(parts.map((p) => [p.type, p.params.charset, p.contentId])).toEqual([
      ['text/plain', 'utf-8', 'q'],
      ['application/octet-stream', undefined, undefined],
    ]);
    expect(parts[0]!.data.toString('utf8')).toBe('café au lait');
    expect(parts[1]!.data.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(() => parseMultipart(Buffer.from(body.replace('--b--', '--c--')), 'b')).toThrow('no closing boundary "--b--"');
    expect(() => parseMultipart(Buffer.from(body), 'x')).toThrow('boundary "x" never appears in the body');
  });

  it('decodes character references and the predefined entities once, keeps CDATA as is, and refuses other entities', () => {
    const el = parseXml('<s a="&lt;&amp;#65;">caf&#233; &#x263A; &amp;#65; <![CDATA[&amp;]]></s>');
    expect([el.text, el.attrs.a]).toEqual(['café ☺ &#65; &amp;', '<&#65;']);
    expect(() => parseXml('<s>&nbsp;</s>')).toThrow('undeclared entity &nbsp;');
  });
});
