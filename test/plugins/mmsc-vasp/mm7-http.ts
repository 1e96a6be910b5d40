// MM7 requests for the inbound endpoint's tests: the shared vectors' whole HTTP requests, requests written
// here by hand from TS 23.140 (not with our codec), and curl to post them.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VECTORS_DIR } from '../../helpers/vectors.ts';

export const VECTORS = path.join(VECTORS_DIR, 'mm7');
export const NS = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';

export interface HttpRequest {
  contentType: string;
  soapAction?: string;
  body: Buffer;
}

/** A vector's whole HTTP request: folded headers unfolded, the body with CRLF line ends as on the wire. */
export function vectorRequest(file: string): HttpRequest {
  const text = readFileSync(path.join(VECTORS, file), 'utf8');
  const blank = text.indexOf('\n\n');
  const head = text.slice(0, blank).replace(/\n[ \t]+/g, ' ');
  const headers = new Map(
    head
      .split('\n')
      .slice(1)
      .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const),
  );
  const body = text.slice(blank + 2).replace(/\r?\n/g, '\r\n');
  return { contentType: headers.get('content-type')!, soapAction: headers.get('soapaction'), body: Buffer.from(body, 'utf8') };
}

export interface Mm7Part {
  contentType: string;
  contentId?: string;
  name?: string;
  data: Buffer;
}

function envelope(transactionId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\r
<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">\r
<env:Header><mm7:TransactionID xmlns:mm7="${NS}" env:mustUnderstand="1">${transactionId}</mm7:TransactionID></env:Header>\r
<env:Body>${body}</env:Body>\r
</env:Envelope>\r
`;
}

/** SOAP with attachments (multipart/related): the envelope, then the content as one multipart/mixed part. */
export function withContent(xml: string, parts: Mm7Part[], boundary = 'outer-boundary-7c1'): HttpRequest {
  const inner = 'inner-boundary-9f2';
  const crlf = Buffer.from('\r\n');
  const chunks: Buffer[] = [
    Buffer.from(`--${boundary}\r\nContent-Type: text/xml; charset="utf-8"\r\nContent-ID: <soap-start>\r\n\r\n${xml}\r\n--${boundary}\r\n`),
    Buffer.from(`Content-Type: multipart/mixed; boundary="${inner}"\r\nContent-ID: <content>\r\n\r\n`),
  ];
  for (const p of parts) {
    const headers = [
      `Content-Type: ${p.contentType}${p.name ? `; name="${p.name}"` : ''}`,
      'Content-Transfer-Encoding: binary',
      ...(p.contentId ? [`Content-ID: <${p.contentId}>`] : []),
      ...(p.name ? [`Content-Disposition: attachment; filename="${p.name}"`] : []),
    ];
    chunks.push(Buffer.from(`--${inner}\r\n${headers.join('\r\n')}\r\n\r\n`), p.data, crlf);
  }
  chunks.push(Buffer.from(`--${inner}--\r\n\r\n--${boundary}--\r\n`));
  return {
    contentType: `multipart/related; boundary="${boundary}"; type="text/xml"; start="<soap-start>"`,
    soapAction: '""',
    body: Buffer.concat(chunks),
  };
}

export interface DeliverOptions {
  transactionId: string;
  messageId?: string;
  sender: string;
  to: string[];
  cc?: string[];
  subject?: string;
  parts: Mm7Part[];
}

export function deliverReq(o: DeliverOptions): HttpRequest {
  const numbers = (list: string[]) => list.map((n) => `<mm7:Number>${n}</mm7:Number>`).join('');
  const xml = envelope(
    o.transactionId,
    `<mm7:DeliverReq xmlns:mm7="${NS}"><mm7:MM7Version>6.8.0</mm7:MM7Version>` +
      `<mm7:Sender><mm7:Number>${o.sender}</mm7:Number></mm7:Sender>` +
      `<mm7:Recipients><mm7:To>${numbers(o.to)}</mm7:To>${o.cc ? `<mm7:Cc>${numbers(o.cc)}</mm7:Cc>` : ''}</mm7:Recipients>` +
      (o.messageId ? `<mm7:MessageID>${o.messageId}</mm7:MessageID>` : '') +
      (o.subject ? `<mm7:Subject>${o.subject}</mm7:Subject>` : '') +
      `<mm7:Content href="cid:content"/></mm7:DeliverReq>`,
  );
  return withContent(xml, o.parts);
}

export function readReplyReq(o: { transactionId: string; messageId: string; recipient: string; status: string }): HttpRequest {
  const xml = envelope(
    o.transactionId,
    `<ReadReplyReq xmlns="${NS}"><MM7Version>6.8.0</MM7Version><MessageID>${o.messageId}</MessageID>` +
      `<Recipient><Number>${o.recipient}</Number></Recipient><Sender><Number>+15550002222</Number></Sender>` +
      `<TimeStamp>2026-12-06T10:00:00Z</TimeStamp><MMStatus>${o.status}</MMStatus></ReadReplyReq>`,
  );
  return { contentType: 'text/xml; charset="utf-8"', soapAction: '""', body: Buffer.from(xml) };
}

/** A DeliverReq whose envelope is XML only (no attachments), for the XML attacks. */
export function xmlRequest(xml: string): HttpRequest {
  return { contentType: 'text/xml; charset="utf-8"', soapAction: '""', body: Buffer.from(xml) };
}

export interface CurlAnswer {
  /** HTTP status; 0 when curl got no answer. */
  status: number;
  headers: string;
  body: string;
  /** curl's exit code. */
  exit: number;
}

export interface CurlOptions {
  auth?: [string, string];
  /** Source address (`--interface 127.0.0.2`). */
  from?: string;
  /** `https://` with the test's self-signed certificate accepted. */
  https?: boolean;
  path?: string;
  method?: string;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
  /** No `Expect: 100-continue`: the whole body goes at once, as most MMSCs send it. */
  noExpect?: boolean;
}

/** POST (or `method`) a request with curl, a client nobody here wrote. */
export async function curlMm7(port: number, req: HttpRequest | undefined, o: CurlOptions = {}): Promise<CurlAnswer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-mm7-'));
  const bodyFile = path.join(dir, 'body');
  const headFile = path.join(dir, 'head');
  const outFile = path.join(dir, 'out');
  const args = ['-s', '--max-time', '60', '-o', outFile, '-D', headFile, '-w', '%{http_code}'];
  if (req) {
    writeFileSync(bodyFile, req.body);
    args.push('--data-binary', `@${bodyFile}`, '-H', `Content-Type: ${req.contentType}`);
    if (req.soapAction !== undefined) args.push('-H', `SOAPAction: ${req.soapAction}`);
  }
  if (o.method) args.push('-X', o.method);
  if (o.auth) args.push('-u', `${o.auth[0]}:${o.auth[1]}`);
  if (o.from) args.push('--interface', o.from);
  if (o.https) args.push('-k');
  if (o.chunked) args.push('-H', 'Transfer-Encoding: chunked');
  if (o.noExpect) args.push('-H', 'Expect:');
  args.push(`${o.https ? 'https' : 'http'}://127.0.0.1:${port}${o.path ?? '/mm7'}`);
  return new Promise((resolve) => {
    execFile('curl', args, { encoding: 'utf8', timeout: 90_000 }, (err, stdout) => {
      const read = (f: string) => {
        try {
          return readFileSync(f, 'utf8');
        } catch {
          return '';
        }
      };
      resolve({ status: Number(stdout) || 0, headers: read(headFile), body: read(outFile), exit: err ? ((err as { code?: number }).code ?? 1) : 0 });
    });
  });
}

/** The MM7 status code in an answer's XML (StatusCode), or undefined. */
export function statusCode(xml: string): number | undefined {
  const m = /<(?:\w+:)?StatusCode>\s*(\d+)\s*</.exec(xml);
  return m ? Number(m[1]) : undefined;
}
