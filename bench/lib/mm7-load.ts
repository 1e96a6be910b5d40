// MM7 DeliverReq requests as an operator's MMSC sends them (SOAP with attachments over HTTP/1.1 keep-alive),
// and a load of them from C concurrent clients. Built here, by hand, from TS 23.140's shape: the benchmark
// must not use the product's own codec to make what the product then parses.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { percentile } from './phases.ts';

export const MM7_NS = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4';
const OUTER = 'outer-4f1c9a7e2b8d44c1a0e3';
const INNER = 'inner-9b2e7d1f3c6a48e5b7d0';

export interface DeliverTemplate {
  contentType: string;
  /** The request body with TXID where the TransactionID goes (it must be unique per request). */
  head: Buffer;
  tail: Buffer;
}

/** A DeliverReq from `from` to `to` carrying a text, a SMIL and a `mediaBytes` JPEG-typed part. */
export function deliverTemplate(o: { from: string; to: string; mediaBytes: number }): DeliverTemplate {
  const crlf = (lines: string[]) => lines.join('\r\n');
  const smil =
    '<smil><head><layout><root-layout/><region id="Image" top="0" left="0" height="80%" width="100%"/>' +
    '<region id="Text" top="80%" left="0" height="20%" width="100%"/></layout></head>' +
    '<body><par dur="5000ms"><img src="cid:photo" region="Image"/><text src="cid:text" region="Text"/></par></body></smil>';
  const head = (txid: string) =>
    crlf([
      `--${OUTER}`,
      'Content-Type: text/xml; charset=utf-8',
      'Content-ID: <soap-start>',
      '',
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">' +
        `<env:Header><mm7:TransactionID xmlns:mm7="${MM7_NS}" env:mustUnderstand="1">${txid}</mm7:TransactionID></env:Header>` +
        `<env:Body><DeliverReq xmlns="${MM7_NS}"><MM7Version>6.8.0</MM7Version><MMSRelayServerID>bench-mmsc</MMSRelayServerID>` +
        `<Sender><Number>${o.from}</Number></Sender><Recipients><To><Number>${o.to}</Number></To></Recipients>` +
        `<TimeStamp>2026-12-06T12:00:00Z</TimeStamp><Priority>Normal</Priority><Subject>bench ${txid}</Subject>` +
        '<Content href="cid:mms-content" allowAdaptations="true"/></DeliverReq></env:Body></env:Envelope>',
      `--${OUTER}`,
      `Content-Type: multipart/related; boundary="${INNER}"; type="application/smil"; start="<smil>"`,
      'Content-ID: <mms-content>',
      '',
      `--${INNER}`,
      'Content-Type: application/smil; charset=utf-8',
      'Content-ID: <smil>',
      '',
      smil,
      `--${INNER}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-ID: <text>',
      '',
      'A photo from the benchmark.',
      `--${INNER}`,
      'Content-Type: image/jpeg',
      'Content-ID: <photo>',
      'Content-Location: photo.jpg',
      'Content-Transfer-Encoding: binary',
      '',
      '',
    ]);
  const tail = Buffer.from(crlf(['', `--${INNER}--`, '', `--${OUTER}--`, '']));
  // Random bytes cannot contain the boundaries (they are far longer than any chance run), like a real JPEG.
  const media = randomBytes(o.mediaBytes);
  return {
    contentType: `multipart/related; boundary="${OUTER}"; type="text/xml"; start="<soap-start>"`,
    head: Buffer.from(head('TXID')),
    tail: Buffer.concat([media, tail]),
  };
}

export function requestBody(t: DeliverTemplate, txid: string): Buffer {
  return Buffer.concat([Buffer.from(t.head.toString('latin1').replace('TXID', txid).replace('TXID', txid), 'latin1'), t.tail]);
}

export interface Mm7LoadOptions {
  port: number;
  path: string;
  user: string;
  password: string;
  clients: number;
  requests: number;
  template: DeliverTemplate;
  /** Distinct TransactionIDs across runs. */
  prefix: string;
}

export interface Mm7LoadResult {
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
  /** The answer to the first request, to show what the server said. */
  sample: string;
}

function post(agent: http.Agent, o: Mm7LoadOptions, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: o.port,
        path: o.path,
        method: 'POST',
        agent,
        headers: {
          'Content-Type': o.template.contentType,
          'Content-Length': body.length,
          SOAPAction: '""',
          Authorization: `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * C clients (keep-alive connections) take request numbers from one counter until N are answered. Bodies are
 * built before the clock starts. Every answer must be HTTP 200 with MM7 status 1000, or the run fails.
 */
export async function mm7Load(o: Mm7LoadOptions): Promise<Mm7LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const bodies = Array.from({ length: o.requests }, (_, i) => requestBody(o.template, `${o.prefix}-${i}`));
  const latencies: number[] = [];
  let sample = '';
  let next = 0;
  try {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: o.clients }, async () => {
        for (let i = next++; i < o.requests; i = next++) {
          const s = performance.now();
          const r = await post(agent, o, bodies[i]!);
          latencies.push(performance.now() - s);
          if (i === 0) sample = r.text.replace(/\s+/g, ' ').slice(0, 300);
          if (r.status !== 200 || !/StatusCode>\s*1000\s*</.test(r.text)) throw new Error(`request ${i}: HTTP ${r.status}: ${r.text.slice(0, 500)}`);
        }
      }),
    );
    return { elapsedMs: performance.now() - t0, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), sample };
  } finally {
    agent.destroy();
  }
}
