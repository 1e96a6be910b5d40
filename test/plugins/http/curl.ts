// curl as a NowSMS or Kannel user types it, run asynchronously (the test process also serves the callback
// receiver): the status, the headers (lower-case names) and the body.
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CurlAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `stdin`: what curl reads for `@-` (a body of octets). */
export function curl(args: string[], stdin?: Buffer): Promise<CurlAnswer> {
  return new Promise((resolve, reject) => {
    const child = execFile('curl', ['-s', '-S', '-i', ...args], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && !stdout) return reject(new Error(`curl failed: ${stderr || err.message}`));
      // -i prints every response (100 Continue too): take the last head.
      let text = Buffer.from(stdout, 'latin1').toString('utf8');
      while (/^HTTP\/1\.1 100/.test(text)) text = text.slice(text.indexOf('\r\n\r\n') + 4);
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const h of head.slice(1)) {
        const i = h.indexOf(':');
        headers[h.slice(0, i).toLowerCase()] = h.slice(i + 1).trim();
      }
      resolve({ status: Number(head[0]!.split(' ')[1]), headers, body: text.slice(split + 4) });
    });
    child.stdin?.end(stdin);
  });
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver for callbacks: records each request; `answer` decides the status (default 200). */
export async function receiver(answer: (r: Recorded) => number = () => 200): Promise<{ url: string; calls: Recorded[]; close(): Promise<void> }> {
  const calls: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      calls.push(r);
      res.writeHead(answer(r), { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}
