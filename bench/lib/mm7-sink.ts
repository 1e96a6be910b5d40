// A sink MMSC for the e-mail -> MM7 path: takes every SubmitReq, answers SubmitRsp 1000 with a MessageID,
// and notes when the SubmitReq of each benchmark mail arrived (found by the number in its subject).
import http from 'node:http';
import { MM7_NS } from './mm7-load.ts';

export interface Mm7Sink {
  port: number;
  /** Arrival time (performance.now()) by mail number. */
  arrivals: Map<number, number>;
  received: number;
  close(): Promise<void>;
}

export function startMm7Sink(port: number): Promise<Mm7Sink> {
  const arrivals = new Map<number, number>();
  let received = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // The SOAP part comes first and is small: no need to read the rest as text.
      const head = Buffer.concat(chunks).subarray(0, 8192).toString('utf8');
      const n = /<(?:\w+:)?Subject>[^<]*?mms-bench (\d+)/.exec(head)?.[1];
      if (n !== undefined) arrivals.set(Number(n), performance.now());
      received++;
      const tx = /TransactionID[^>]*>([^<]*)</.exec(head)?.[1] ?? '';
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">' +
          `<env:Header><mm7:TransactionID xmlns:mm7="${MM7_NS}" env:mustUnderstand="1">${tx}</mm7:TransactionID></env:Header>` +
          `<env:Body><SubmitRsp xmlns="${MM7_NS}"><MM7Version>6.8.0</MM7Version><Status><StatusCode>1000</StatusCode><StatusText>Success</StatusText></Status>` +
          `<MessageID>sink-${received}</MessageID></SubmitRsp></env:Body></env:Envelope>`,
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port,
        arrivals,
        get received() {
          return received;
        },
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}
