// A stand-in MMSC for the client tests: a real node:http server that reads each SubmitReq with the codec
// and answers with the next scripted behaviour (then 1000 with MessageID mmsc-<n>).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildMm7, readMm7, type Mm7Message, type Mm7Version, type SubmitReq } from '../../../plugins/mmsc-vasp/mm7/index.ts';

export type Behaviour =
  | { status: number; messageId?: string; httpStatus?: number }
  | { fault: 'Client' | 'Server'; code?: number }
  | { http: number; body?: string }
  | { drop: true }
  | { slowMs: number };

export interface Received {
  req: SubmitReq;
  headers: http.IncomingHttpHeaders;
  /** The schema release the SubmitReq was written in. */
  version: Mm7Version | undefined;
  /** The HTTP body as it came. */
  raw: Buffer;
}

/** An MMSC that reads each SubmitReq with the codec and answers with the next scripted behaviour (then 1000). */
export class TestMmsc {
  readonly received: Received[] = [];
  private script: Behaviour[] = [];
  private count = 0;
  private readonly used = new WeakSet<object>();
  /** Set: the next request that comes on a kept-alive connection finds it closed, as an MMSC's idle timeout does. */
  closeNextReused = false;
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<TestMmsc> {
    const holder: { mmsc?: TestMmsc } = {};
    const server = http.createServer((req, res) => void holder.mmsc!.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    holder.mmsc = new TestMmsc(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/mm7`);
    return holder.mmsc;
  }

  answer(...b: Behaviour[]): void {
    this.script.push(...b);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reused = this.used.has(req.socket);
    this.used.add(req.socket);
    if (reused && this.closeNextReused) {
      this.closeNextReused = false;
      return void req.socket.destroy();
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const { message: m, version } = readMm7({ contentType: req.headers['content-type'] ?? '', body });
    if (m.type !== 'SubmitReq') throw new Error(`expected a SubmitReq, got ${m.type}`);
    this.received.push({ req: m, headers: req.headers, version, raw: body });
    const b = this.script.shift() ?? { status: 1000 };
    const reply = (msg: Mm7Message, status = 200) => {
      const out = buildMm7(msg, 'REL-6-MM7-1-4', { faultDetail: 'RSErrorRsp' });
      res.writeHead(status, { 'Content-Type': out.contentType }).end(out.body);
    };
    if ('drop' in b) return void req.socket.destroy();
    if ('slowMs' in b) {
      // Until the time is up or the client gives up (closes the connection).
      await new Promise<void>((r) => {
        const t = setTimeout(r, b.slowMs);
        res.once('close', () => {
          clearTimeout(t);
          r();
        });
      });
      if (!res.destroyed) reply({ type: 'SubmitRsp', transactionId: m.transactionId, status: { code: 1000 }, messageId: 'late' });
      return;
    }
    if ('http' in b) return void res.writeHead(b.http, { 'Content-Type': 'text/html' }).end(b.body ?? '<html>error</html>');
    if ('fault' in b) {
      const status = b.code === undefined ? undefined : { code: b.code };
      return reply({ type: 'Fault', faultCode: b.fault, faultString: 'no', transactionId: m.transactionId, ...(status ? { status } : {}) }, 500);
    }
    this.count++;
    reply(
      {
        type: 'SubmitRsp',
        transactionId: m.transactionId,
        status: { code: b.status },
        ...(b.status < 2000 ? { messageId: b.messageId ?? `mmsc-${this.count}` } : {}),
      },
      b.httpStatus,
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
