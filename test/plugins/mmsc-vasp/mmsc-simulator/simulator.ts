// An operator's MMSC as a VASP sees it over MM7 (3GPP TS 23.140, SOAP 1.1 with attachments over HTTP): takes
// SubmitReq behind HTTP Basic, reads it strictly, records it, answers SubmitRsp (1000 and a MessageID by
// default) in the request's namespace, or misbehaves on demand (see README.md).
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { deliveryReport } from './client.ts';
import {
  Mm7Reject,
  STATUS_TEXT,
  Writer,
  defaultMm7Version,
  namespaceOf,
  readEnvelope,
  releaseOf,
  type Mm7Address,
  type Mm7Answer,
  type Mm7Release,
} from './mm7.ts';
import { readSubmitReq, type SubmitFields } from './requests.ts';

/** How the simulator answers one SubmitReq. */
export type Answer =
  /** SubmitRsp 1000 with a new MessageID. */
  | 'accept'
  /** SubmitRsp with this status (a MessageID only for 1xxx). */
  | { status: number; text?: string; details?: string }
  /** A SOAP Fault (HTTP 500) whose detail is an RSErrorRsp with this status (default 2000 Client / 3000 Server). */
  | { fault: 'Client' | 'Server'; status?: number; text?: string; faultString?: string }
  /** Wait, then answer with `then` (default 'accept'). */
  | { delayMs: number; then?: Answer }
  /** Close the TCP connection without a word. */
  | 'drop'
  /** A bare HTTP answer: `{ http: 500 }` is an HTML error page, as a broken front end sends. */
  | { http: number; body?: string; contentType?: string }
  /** HTTP 200 text/xml that is not well-formed XML. */
  | 'malformed';

export interface Submission extends SubmitFields {
  /** The MessageID given in the SubmitRsp (undefined when the answer was not a success). */
  messageId?: string;
  answer: Answer;
  /** The SOAPAction header as sent (SOAP 1.1 requires one; its value is free). */
  soapAction?: string;
  /** The HTTP Basic user name. */
  user: string;
  /** Path and query of the request. */
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  at: Date;
}

export interface Rejected {
  reason: string;
  httpStatus: number;
  /** The MM7 status in the Fault's detail (2007 for what cannot be read). */
  status?: number;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  at: Date;
}

export interface SimulatorOptions {
  vaspId: string;
  password: string;
  /** The MM7 path (default /mm7); other paths get 404. */
  path?: string;
  /** Accept only these schema releases; a request in another gets a Fault with 4002 Unsupported version. */
  version?: Mm7Release | Mm7Release[];
  /** The first MessageID handed out (a decimal counter, as many MMSCs use). */
  firstMessageId?: number;
  /** Decides the answer for each submission the queue does not cover (default 'accept'). */
  answer?: (s: Submission) => Answer | undefined;
  /**
   * Send delivery reports on its own, as an MMSC does: after each accepted SubmitReq with DeliveryReport true,
   * one DeliveryReportReq per recipient to this VASP endpoint (in the submission's release), MMStatus as given.
   */
  reports?: { url: string; user: string; password: string; mmStatus?: string; statusText?: string };
  /** Speak HTTPS with this key and certificate (PEM): `url` then starts with https://. */
  tls?: { key: Buffer | string; cert: Buffer | string };
}

/** A DeliveryReportReq the simulator sent on its own, and what the VASP answered (or why it could not). */
export interface SentReport {
  messageId: string;
  recipient: Mm7Address;
  mmStatus: string;
  answer?: Mm7Answer;
  error?: string;
}

const HTML_500 = '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>\n';

export class MmscSimulator extends EventEmitter {
  readonly submissions: Submission[] = [];
  readonly rejected: Rejected[] = [];
  readonly reportsSent: SentReport[] = [];
  readonly options: SimulatorOptions;
  private readonly server: http.Server;
  private readonly answers: Answer[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextMessageId: number;
  port = 0;

  private constructor(options: SimulatorOptions) {
    super();
    this.options = { ...options };
    this.nextMessageId = options.firstMessageId ?? 369_500_000_001;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res);
    this.server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
    this.server.on(options.tls ? 'secureConnection' : 'connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(options: SimulatorOptions, port = 0): Promise<MmscSimulator> {
    const sim = new MmscSimulator(options);
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(port, '127.0.0.1', () => resolve());
    });
    sim.port = (sim.server.address() as net.AddressInfo).port;
    return sim;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get path(): string {
    return this.options.path ?? '/mm7';
  }

  private get scheme(): string {
    return this.options.tls ? 'https' : 'http';
  }

  /** `http://127.0.0.1:port/mm7` (https with `tls`) */
  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}${this.path}`;
  }

  /** `http://vaspid:password@127.0.0.1:port/mm7` (https with `tls`) */
  get urlWithCredentials(): string {
    return `${this.scheme}://${encodeURIComponent(this.options.vaspId)}:${encodeURIComponent(this.options.password)}@127.0.0.1:${this.port}${this.path}`;
  }

  /** A NOWSMS_MMSC_URL for this simulator: credentials, then `vasid`, `servicecode`, `version` as given. */
  mmscUrl(query: { vasid?: string; servicecode?: string; version?: string } = {}): string {
    const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    return this.urlWithCredentials + (q ? `?${q}` : '');
  }

  /** The next SubmitReqs get these answers, in order, before `options.answer` is asked. */
  answerNext(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  /** Resolves when `n` submissions have been recorded (whatever they were answered). */
  waitForSubmissions(n: number, timeoutMs = 15_000): Promise<Submission[]> {
    return this.waitFor(() => this.submissions.length >= n, 'submission', `${n} SubmitReq`, timeoutMs).then(() => this.submissions.slice(0, n));
  }

  /** Resolves when `n` requests have been rejected. */
  waitForRejected(n: number, timeoutMs = 15_000): Promise<Rejected[]> {
    return this.waitFor(() => this.rejected.length >= n, 'rejected', `${n} rejected request(s)`, timeoutMs).then(() => this.rejected.slice(0, n));
  }

  private waitFor(done: () => boolean, event: string, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, check);
        reject(
          new Error(
            `MMSC simulator: no ${what} within ${timeoutMs} ms (have ${this.submissions.length} submissions, ${this.rejected.length} rejected, ${this.reportsSent.length} reports sent)`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.off(event, check);
        resolve();
      };
      this.on(event, check);
    });
  }

  // ---- HTTP -----------------------------------------------------------------------------------------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): void {
    const url = req.url ?? '/';
    const reject = (httpStatus: number, reason: string, status?: number) => {
      const r: Rejected = { reason, httpStatus, url, headers: req.headers, raw, at: new Date() };
      if (status !== undefined) r.status = status;
      this.rejected.push(r);
      this.emit('rejected', r);
    };
    if (new URL(url, 'http://x').pathname !== this.path) {
      reject(404, `POST to ${url}, the MM7 path is ${this.path}`);
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
    if (req.method !== 'POST') {
      reject(405, `${req.method} instead of POST`);
      return void res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('MM7 takes POST\n');
    }
    const user = this.authorised(req.headers.authorization);
    if (user === undefined) {
      reject(401, req.headers.authorization ? 'wrong HTTP Basic credentials' : 'no HTTP Basic credentials');
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="MMSC"', 'content-type': 'text/plain' }).end('unauthorized\n');
    }

    let fields: SubmitFields;
    let namespace: string | undefined;
    let transactionId: string | undefined;
    try {
      const env = readEnvelope(req.headers['content-type'], raw);
      namespace = env.namespace;
      transactionId = env.transactionId;
      const accepted = this.options.version === undefined ? undefined : [this.options.version].flat();
      if (accepted && !accepted.includes(env.release))
        throw new Mm7Reject(`schema release ${env.release} is not one this MMSC speaks (${accepted.join(', ')})`, 4002);
      fields = readSubmitReq(env);
    } catch (e) {
      if (!(e instanceof Mm7Reject)) throw e;
      reject(500, e.message, e.status);
      const w = new Writer(namespace ?? namespaceOf('REL-6-MM7-1-4'));
      return void sendXml(
        res,
        500,
        w.fault(
          transactionId,
          e.faultCode,
          e.faultCode === 'Client' ? 'Client error' : 'Server error',
          'RSErrorRsp',
          defaultMm7Version(releaseOf(namespace) ?? 'REL-6-MM7-1-4'),
          { code: e.status, details: e.message },
        ),
      );
    }
    if (req.headers['soapaction'] === undefined) fields.warnings.push('no SOAPAction header (SOAP 1.1 §6.1.1 requires one)');

    const s: Submission = { ...fields, answer: 'accept', user, url, headers: req.headers, raw, at: new Date() };
    if (typeof req.headers['soapaction'] === 'string') s.soapAction = req.headers['soapaction'];
    s.answer = this.answers.shift() ?? this.options.answer?.(s) ?? 'accept';
    this.submissions.push(s);
    this.emit('submission', s);
    this.respond(s, s.answer, req, res);
    res.on('finish', () => void this.sendReports(s));
  }

  private respond(s: Submission, a: Answer, req: http.IncomingMessage, res: http.ServerResponse): void {
    const w = new Writer(s.namespace);
    if (a === 'drop') return void req.socket.destroy();
    if (a === 'malformed')
      return void sendXml(res, 200, `<?xml version="1.0"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><SubmitRsp>`);
    if (a === 'accept') return this.respond(s, { status: 1000 }, req, res);
    if ('delayMs' in a) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!res.destroyed) this.respond(s, a.then ?? 'accept', req, res);
      }, a.delayMs);
      this.timers.add(t);
      return;
    }
    if ('http' in a) return void res.writeHead(a.http, { 'content-type': a.contentType ?? 'text/html; charset=utf-8' }).end(a.body ?? HTML_500);
    if ('fault' in a) {
      const code = a.status ?? (a.fault === 'Client' ? 2000 : 3000);
      const status = { code, text: a.text ?? STATUS_TEXT[code] ?? 'Error' };
      return void sendXml(res, 500, w.fault(s.transactionId, a.fault, a.faultString ?? `${a.fault} error`, 'RSErrorRsp', s.mm7Version, status));
    }
    const success = a.status >= 1000 && a.status < 2000;
    if (success) s.messageId = String(this.nextMessageId++);
    const status = { code: a.status, text: a.text ?? STATUS_TEXT[a.status] ?? 'Status', details: a.details };
    const rsp = w.el('SubmitRsp', w.text('MM7Version', s.mm7Version) + w.status(status) + w.text('MessageID', s.messageId));
    sendXml(res, 200, w.envelope(s.transactionId, rsp));
  }

  private async sendReports(s: Submission): Promise<void> {
    const r = this.options.reports;
    if (!r || !s.deliveryReport || s.messageId === undefined) return;
    for (const recipient of [...s.to, ...s.cc, ...s.bcc]) {
      const sent: SentReport = { messageId: s.messageId, recipient, mmStatus: r.mmStatus ?? 'Retrieved' };
      try {
        sent.answer = await deliveryReport(r.url, { ...r, messageId: s.messageId, recipient, sender: s.sender, mmStatus: sent.mmStatus, version: s.release });
      } catch (e) {
        sent.error = (e as Error).message;
      }
      this.reportsSent.push(sent);
      this.emit('report', sent);
    }
  }

  /** Resolves when `n` delivery reports have been sent and answered (or failed). */
  waitForReports(n: number, timeoutMs = 15_000): Promise<SentReport[]> {
    return this.waitFor(() => this.reportsSent.length >= n, 'report', `${n} delivery report(s) sent`, timeoutMs).then(() => this.reportsSent.slice(0, n));
  }

  private authorised(header: string | undefined): string | undefined {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    return user === this.options.vaspId && decoded.slice(colon + 1) === this.options.password ? user : undefined;
  }
}

function sendXml(res: http.ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml; charset="utf-8"' }).end(xml);
}
