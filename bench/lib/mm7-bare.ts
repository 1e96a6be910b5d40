// Bare MM7 endpoints on the same framework (fastify), HTTP Basic checked, the request read, then
// everything discarded and a fixed DeliverRsp answered. Nothing routed, nothing stored.
//   multipart: the body split into its (nested) parts with a general-purpose multipart library
//              (@apeleghq/multipart-parser) and the SOAP part parsed with fast-xml-parser;
//   codec:     the product's own MM7 reader (plugins/mmsc-vasp/mm7), the stricter ceiling: what the gateway
//              adds over it is accounts, routing and the committed write.
//
//   node --import tsx bench/lib/mm7-bare.ts <port> multipart|codec
import { parseMultipartMessage } from '@apeleghq/multipart-parser';
import { XMLParser } from 'fast-xml-parser';
import Fastify from 'fastify';
import { parseMm7 } from '../../plugins/mmsc-vasp/mm7/index.ts';
import { MM7_NS } from './mm7-load.ts';

const port = Number(process.argv[2]);
const mode = process.argv[3] === 'codec' ? 'codec' : 'multipart';
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

/** The TransactionID, after reading the whole request the way the mode says. */
async function read(contentType: string, body: Buffer): Promise<string> {
  if (mode === 'codec') {
    const message = parseMm7({ contentType, body });
    if (message.type !== 'DeliverReq' || message.content.length === 0) throw new Error(`not a DeliverReq with content: ${message.type}`);
    return message.transactionId;
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1] ?? '';
  const { soap, count } = await drain(parseMultipartMessage(new Blob([body]).stream(), boundary) as Parts);
  if (count < 2) throw new Error(`only ${count} parts`);
  const doc = xml.parse(soap ?? '') as { Envelope?: { Header?: { TransactionID?: unknown } } };
  const tx = doc.Envelope?.Header?.TransactionID;
  return String((tx as { '#text'?: string } | undefined)?.['#text'] ?? tx ?? '');
}
const AUTH = `Basic ${Buffer.from('mmsc:pw').toString('base64')}`;

const app = Fastify({ bodyLimit: 4 * 1024 * 1024 });
app.addContentTypeParser('multipart/related', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/mm7', async (req, reply) => {
  if (req.headers.authorization !== AUTH) return reply.code(401).send('');
  const transactionId = await read(req.headers['content-type'] ?? '', req.body as Buffer);
  reply.type('text/xml; charset=utf-8');
  return (
    '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<env:Header><mm7:TransactionID xmlns:mm7="${MM7_NS}" env:mustUnderstand="1">${transactionId}</mm7:TransactionID></env:Header>` +
    `<env:Body><DeliverRsp xmlns="${MM7_NS}"><MM7Version>6.8.0</MM7Version><Status><StatusCode>1000</StatusCode><StatusText>Success</StatusText></Status></DeliverRsp></env:Body></env:Envelope>`
  );
});
await app.listen({ host: '127.0.0.1', port });
