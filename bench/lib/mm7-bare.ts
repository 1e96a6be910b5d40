// The ceiling for an MM7 endpoint on the same framework: fastify, HTTP Basic checked, the multipart/related
// body parsed to its (nested) parts with the same multipart library, the SOAP part parsed with the same XML
// parser, then everything discarded and a fixed DeliverRsp answered. Nothing stored.
//
//   node --import tsx bench/lib/mm7-bare.ts <port>
import { parseMultipartMessage } from '@apeleghq/multipart-parser';
import { XMLParser } from 'fast-xml-parser';
import Fastify from 'fastify';
import { MM7_NS } from './mm7-load.ts';

const port = Number(process.argv[2]);
const AUTH = `Basic ${Buffer.from('mmsc:pw').toString('base64')}`;
const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, processEntities: false });

type Parts = AsyncIterable<{ headers: Headers; body?: Uint8Array | null; parts?: Parts }>;

async function drain(parts: Parts): Promise<{ soap?: string; count: number }> {
  let soap: string | undefined;
  let count = 0;
  for await (const p of parts) {
    if (p.parts) count += (await drain(p.parts)).count;
    else {
      count++;
      if (soap === undefined && /text\/xml/i.test(p.headers.get('content-type') ?? '')) soap = Buffer.from(p.body ?? new Uint8Array()).toString('utf8');
    }
  }
  return { ...(soap !== undefined ? { soap } : {}), count };
}

const app = Fastify({ bodyLimit: 4 * 1024 * 1024 });
app.addContentTypeParser('multipart/related', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/mm7', async (req, reply) => {
  if (req.headers.authorization !== AUTH) return reply.code(401).send('');
  const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1] ?? '';
  const body = req.body as Buffer;
  const stream = new Blob([body]).stream();
  const { soap } = await drain(parseMultipartMessage(stream, boundary) as Parts);
  const doc = xml.parse(soap ?? '') as { Envelope?: { Header?: { TransactionID?: unknown } } };
  const tx = String((doc.Envelope?.Header?.TransactionID as { '#text'?: string } | undefined)?.['#text'] ?? doc.Envelope?.Header?.TransactionID ?? '');
  reply.type('text/xml; charset=utf-8');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<env:Header><mm7:TransactionID xmlns:mm7="${MM7_NS}" env:mustUnderstand="1">${tx}</mm7:TransactionID></env:Header>` +
    `<env:Body><DeliverRsp xmlns="${MM7_NS}"><MM7Version>6.8.0</MM7Version><Status><StatusCode>1000</StatusCode><StatusText>Success</StatusText></Status></DeliverRsp></env:Body></env:Envelope>`
  );
});
await app.listen({ host: '127.0.0.1', port });
