// An operator's MMSC as a phone sees it over MM1 (OMA-MMS-CTR 1.2/1.3 over HTTP, PDUs of OMA-MMS-ENC): holds
// MMS for retrieval and says so with an m-notification-ind, serves m-retrieve-conf at the content location,
// takes m-notifyresp-ind, m-acknowledge-ind and m-send-req (answered with m-send-conf), builds m-delivery-ind
// pushes, records every request, and misbehaves on demand (README.md). PDUs are built and read with the
// product's codec (core/codecs/mms), which is checked against tshark and other projects' vectors.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type net from 'node:net';
import { decodeMms, encodeMms, type MmsAddress, type MmsPart, type MmsPdu } from '../../../../core/index.ts';
import type { MmsPartInput } from '../../../../core/codecs/mms/index.ts';
import { pushSms, type PushSms, type PushSmsOptions } from './push-sms.ts';

export const MMS_MESSAGE_TYPE = 'application/vnd.wap.mms-message';
/** X-Mms-Retrieve-Status Error-permanent-message-not-found (OMA-MMS-ENC 1.2 §7.2.25): what an expired MMS gets. */
export const RETRIEVE_MESSAGE_NOT_FOUND = 0xe2;

/** How the MMSC answers one request instead of normally. */
export type Mm1Answer =
  /** The normal answer. */
  | 'ok'
  /** A bare HTTP status with a small HTML page (404, 500, 503, ...). */
  | { http: number; body?: string }
  /** Wait, then answer with `then` (default the normal answer). */
  | { delayMs: number; then?: Mm1Answer }
  /** The normal answer's headers with a Content-Length larger than the body, half the body, then the socket closed. */
  | 'truncate'
  /** The TCP connection closed without an answer. */
  | 'drop'
  /** For an m-send-req: an m-send-conf with this X-Mms-Response-Status (0xC1.. transient, 0xE1.. permanent), no Message-ID. */
  | { responseStatus: number; responseText?: string };

export interface Mm1Request {
  method: string;
  /** The request target as the MMSC got it (the proxy turns an absolute URI into a path). */
  url: string;
  headers: http.IncomingHttpHeaders;
  userAgent?: string;
  /** The x-wap-profile header (a UAProf URL, quoted as handsets send it). */
  wapProfile?: string;
  /** A Via header was present: the request came through a proxy. */
  viaProxy: boolean;
  body: Buffer;
  /** The body decoded, for a POST of an MMS PDU that decodes. */
  pdu?: MmsPdu;
  answer: Mm1Answer;
  /** HTTP status sent (undefined for 'drop'). */
  status?: number;
  at: Date;
}

export interface HoldOptions {
  from: string;
  to: string | string[];
  subject?: string;
  parts: MmsPartInput[];
  /** X-Mms-Expiry, relative (default 3 days); a GET after it gets Retrieve-Status message-not-found. */
  expirySeconds?: number;
  mmsVersion?: string;
  /**
   * false: the m-retrieve-conf carries no X-Mms-Transaction-ID, so the MMSC asks for no m-acknowledge-ind after
   * a deferred retrieval (OMA-MMS-ENC 1.2 §6.3: the ID is there when the MMSC wants the acknowledgement).
   */
  acknowledge?: boolean;
}

export interface HeldMms {
  transactionId: string;
  messageId: string;
  contentLocation: string;
  /** The encoded m-notification-ind. */
  notification: Buffer;
  /** The encoded m-retrieve-conf served at contentLocation. */
  retrieveConf: Buffer;
  expiresAt: Date;
  /** GETs of contentLocation answered with the m-retrieve-conf. */
  retrievals: number;
}

export interface NotifyResp {
  messageType: 'm-notifyresp-ind' | 'm-acknowledge-ind';
  transactionId?: string;
  status?: MmsPdu['status'];
  reportAllowed?: boolean;
  pdu: MmsPdu;
}

export interface SentMms {
  transactionId?: string;
  from?: MmsAddress;
  fromInsertAddress?: boolean;
  to: MmsAddress[];
  cc: MmsAddress[];
  bcc: MmsAddress[];
  subject?: string;
  /** Slices of `raw`: the bytes as posted. */
  parts: MmsPart[];
  pdu: MmsPdu;
  raw: Buffer;
  /** The m-send-conf's Message-ID (undefined when it carried an error status or was not sent). */
  messageId?: string;
  answer: Mm1Answer;
}

export interface Mm1MmscOptions {
  /** The path the phone posts to (default /mms): the MMSC URL of the phone's MMS settings. */
  path?: string;
  mmsVersion?: string;
  /** Every request the queue does not cover gets this answer (default 'ok'). */
  answer?: (r: Mm1Request) => Mm1Answer | undefined;
}

const page = (status: number) => `<html><head><title>${status} ${http.STATUS_CODES[status] ?? ''}</title></head><body><h1>${status}</h1></body></html>\n`;

export class Mm1Mmsc extends EventEmitter {
  readonly requests: Mm1Request[] = [];
  readonly notifyResps: NotifyResp[] = [];
  readonly sent: SentMms[] = [];
  readonly held = new Map<string, HeldMms>();
  readonly options: Mm1MmscOptions;
  port = 0;
  private readonly server: http.Server;
  private readonly answers: Mm1Answer[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private counter = 0;

  private constructor(options: Mm1MmscOptions) {
    super();
    this.options = { ...options };
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(options: Mm1MmscOptions = {}, port = 0): Promise<Mm1Mmsc> {
    const mmsc = new Mm1Mmsc(options);
    await new Promise<void>((resolve, reject) => {
      mmsc.server.once('error', reject);
      mmsc.server.listen(port, '127.0.0.1', () => resolve());
    });
    mmsc.port = (mmsc.server.address() as net.AddressInfo).port;
    return mmsc;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get path(): string {
    return this.options.path ?? '/mms';
  }

  /** The MMSC URL a phone posts to (NOWSMS_MMS_MMSC_URL). */
  get url(): string {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  /** The next requests (GET or POST, in arrival order) get these answers before `options.answer` is asked. */
  misbehaveNext(...answers: Mm1Answer[]): void {
    this.answers.push(...answers);
  }

  /** Holds an MMS for retrieval; the notification is what the phone must be pushed (see `pushSms`). */
  hold(opts: HoldOptions): HeldMms {
    const n = ++this.counter;
    const transactionId = `T${Date.now().toString(36)}${n}`;
    const messageId = `M${n.toString().padStart(8, '0')}`;
    const contentLocation = `http://127.0.0.1:${this.port}/mms/${transactionId}`;
    const mmsVersion = opts.mmsVersion ?? this.options.mmsVersion ?? '1.2';
    const expirySeconds = opts.expirySeconds ?? 3 * 24 * 3600;
    const retrieveConf = encodeMms({
      messageType: 'm-retrieve-conf',
      ...(opts.acknowledge === false ? {} : { transactionId }),
      mmsVersion,
      messageId,
      date: new Date(Math.floor(Date.now() / 1000) * 1000),
      from: opts.from,
      to: [opts.to].flat(),
      ...(opts.subject !== undefined ? { subject: opts.subject } : {}),
      messageClass: 'personal',
      parts: opts.parts,
    });
    const notification = encodeMms({
      messageType: 'm-notification-ind',
      transactionId,
      mmsVersion,
      from: opts.from,
      ...(opts.subject !== undefined ? { subject: opts.subject } : {}),
      messageClass: 'personal',
      messageSize: retrieveConf.length,
      expiry: { relativeSeconds: expirySeconds },
      contentLocation,
    });
    const held: HeldMms = {
      transactionId,
      messageId,
      contentLocation,
      notification,
      retrieveConf,
      expiresAt: new Date(Date.now() + expirySeconds * 1000),
      retrievals: 0,
    };
    this.held.set(transactionId, held);
    return held;
  }

  /** Makes a held MMS expired now, as if its expiry had passed. */
  expire(transactionId: string): void {
    const h = this.held.get(transactionId);
    if (!h) throw new Error(`no held MMS ${transactionId}`);
    h.expiresAt = new Date(0);
  }

  /** Forgets a held MMS, as an MMSC that lost it: its notification stays valid but a GET gets 404 (the MMS that never arrives). */
  discard(transactionId: string): void {
    if (!this.held.delete(transactionId)) throw new Error(`no held MMS ${transactionId}`);
  }

  /** The WAP push SMS that carries a notification (or any MMS PDU). */
  pushSms(notification: Buffer, opts?: PushSmsOptions): PushSms {
    return pushSms(notification, opts);
  }

  /** An m-delivery-ind for a message the phone sent, as push SMS (status 'retrieved', 'rejected', 'expired', ...). */
  deliveryInd(messageId: string, to: string, status: NonNullable<MmsPdu['status']> = 'retrieved', opts?: PushSmsOptions): PushSms {
    const pdu = encodeMms({
      messageType: 'm-delivery-ind',
      mmsVersion: this.options.mmsVersion ?? '1.2',
      messageId,
      to: [to],
      date: new Date(Math.floor(Date.now() / 1000) * 1000),
      status,
    });
    return pushSms(pdu, opts);
  }

  /** Resolves when `done()` holds, checked as each request arrives and as it is answered. */
  waitFor(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('request', check);
        this.off('answered', check);
        reject(new Error(`MM1 MMSC: no ${what} within ${timeoutMs} ms (${this.requests.length} requests)`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.off('request', check);
        this.off('answered', check);
        resolve();
      };
      this.on('request', check);
      this.on('answered', check);
    });
  }

  waitForSent(n: number, timeoutMs?: number): Promise<SentMms[]> {
    return this.waitFor(() => this.sent.length >= n, `${n} m-send-req`, timeoutMs).then(() => this.sent.slice(0, n));
  }

  waitForNotifyResps(n: number, timeoutMs?: number): Promise<NotifyResp[]> {
    return this.waitFor(() => this.notifyResps.length >= n, `${n} m-notifyresp-ind/m-acknowledge-ind`, timeoutMs).then(() => this.notifyResps.slice(0, n));
  }

  // ---- HTTP -----------------------------------------------------------------------------------------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const r: Mm1Request = {
      method: req.method ?? '',
      url: req.url ?? '/',
      headers: req.headers,
      viaProxy: req.headers.via !== undefined,
      body,
      answer: 'ok',
      at: new Date(),
    };
    const ua = header('user-agent');
    if (ua !== undefined) r.userAgent = ua;
    const profile = header('x-wap-profile');
    if (profile !== undefined) r.wapProfile = profile;
    r.answer = this.answers.shift() ?? this.options.answer?.(r) ?? 'ok';
    this.requests.push(r);
    this.emit('request', r);
    res.on('finish', () => (r.status = res.statusCode));
    this.respond(req, res, r, r.answer);
  }

  private respond(req: http.IncomingMessage, res: http.ServerResponse, r: Mm1Request, a: Mm1Answer): void {
    if (a === 'drop') {
      req.socket.destroy();
      return void this.emit('answered', r);
    }
    if (typeof a === 'object' && 'delayMs' in a) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (!res.destroyed) this.respond(req, res, r, a.then ?? 'ok');
      }, a.delayMs);
      this.timers.add(t);
      return;
    }
    if (typeof a === 'object' && 'http' in a) {
      res.writeHead(a.http, { 'content-type': 'text/html; charset=utf-8' }).end(a.body ?? page(a.http));
      return void this.emit('answered', r);
    }
    const answer = this.normal(r, a);
    if (a === 'truncate') {
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': String(answer.body.length) });
      res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => req.socket.destroy());
    } else {
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': String(answer.body.length) }).end(answer.body);
    }
    this.emit('answered', r);
  }

  /** What the MMSC answers when it behaves (with a Response-Status for an m-send-req if asked). */
  private normal(r: Mm1Request, a: Mm1Answer): { status: number; contentType: string; body: Buffer } {
    const path = new URL(r.url, 'http://x').pathname;
    const text = (status: number, s: string) => ({ status, contentType: 'text/plain', body: Buffer.from(s) });
    if (r.method === 'GET') {
      const m = /^\/mms\/([^/]+)$/.exec(path);
      const held = m ? this.held.get(decodeURIComponent(m[1]!)) : undefined;
      if (!held) return text(404, 'no such message\n');
      if (Date.now() >= held.expiresAt.getTime()) {
        // OMA-MMS-CTR: the MMSC answers with an m-retrieve-conf whose Retrieve-Status says why there is no MM.
        const conf = encodeMms({
          messageType: 'm-retrieve-conf',
          transactionId: held.transactionId,
          mmsVersion: this.options.mmsVersion ?? '1.2',
          date: new Date(Math.floor(Date.now() / 1000) * 1000),
          retrieveStatus: RETRIEVE_MESSAGE_NOT_FOUND,
          retrieveText: 'Message expired',
          parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('The message has expired.\n') }],
          contentType: 'text/plain',
        });
        return { status: 200, contentType: MMS_MESSAGE_TYPE, body: conf };
      }
      held.retrievals++;
      return { status: 200, contentType: MMS_MESSAGE_TYPE, body: held.retrieveConf };
    }
    if (r.method !== 'POST') return text(405, 'GET or POST\n');
    if (path !== this.path) return text(404, `POST to ${path}; the MMSC URL is ${this.path}\n`);
    const type = String(r.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (type !== MMS_MESSAGE_TYPE) return text(415, `Content-Type must be ${MMS_MESSAGE_TYPE}\n`);
    let pdu: MmsPdu;
    try {
      pdu = decodeMms(r.body);
    } catch (e) {
      return text(400, `not an MMS PDU: ${(e as Error).message}\n`);
    }
    r.pdu = pdu;
    if (pdu.messageType === 'm-notifyresp-ind' || pdu.messageType === 'm-acknowledge-ind') {
      const n: NotifyResp = { messageType: pdu.messageType, pdu };
      if (pdu.transactionId !== undefined) n.transactionId = pdu.transactionId;
      if (pdu.status !== undefined) n.status = pdu.status;
      if (pdu.reportAllowed !== undefined) n.reportAllowed = pdu.reportAllowed;
      this.notifyResps.push(n);
      return { status: 204, contentType: 'text/plain', body: Buffer.alloc(0) };
    }
    if (pdu.messageType === 'm-send-req') {
      const s: SentMms = { to: pdu.to ?? [], cc: pdu.cc ?? [], bcc: pdu.bcc ?? [], parts: pdu.parts ?? [], pdu, raw: r.body, answer: a };
      if (pdu.transactionId !== undefined) s.transactionId = pdu.transactionId;
      if (pdu.from !== undefined) s.from = pdu.from;
      if (pdu.fromInsertAddress) s.fromInsertAddress = true;
      if (pdu.subject !== undefined) s.subject = pdu.subject;
      const error = typeof a === 'object' && 'responseStatus' in a ? a : undefined;
      if (!error) s.messageId = `S${(++this.counter).toString().padStart(8, '0')}`;
      this.sent.push(s);
      const conf = encodeMms({
        messageType: 'm-send-conf',
        ...(s.transactionId !== undefined ? { transactionId: s.transactionId } : {}),
        mmsVersion: pdu.mmsVersion ?? this.options.mmsVersion ?? '1.2',
        responseStatus: error?.responseStatus ?? 0x80,
        ...(error?.responseText !== undefined ? { responseText: error.responseText } : {}),
        ...(s.messageId !== undefined ? { messageId: s.messageId } : {}),
      });
      return { status: 200, contentType: MMS_MESSAGE_TYPE, body: conf };
    }
    return text(400, `${pdu.messageType} is not something a phone posts\n`);
  }
}
