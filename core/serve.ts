// The front door every server plug-in shares (SMTP, POP3, the SMPP server; HTTP and MM7 to come): a plain
// port and an optional implicit-TLS port, a cap on sessions and a lower one per client address, a short
// deadline to log in, and a stop that lets sessions finish what they owe. The protocol is the plug-in's;
// this file never reads a byte of it.
//
// Why a login deadline rather than an idle timer before login: a client that trickles a NOOP every few
// seconds would keep an idle timer alive for ever and hold its slot without ever giving a password. A
// machine client logs in within a second or two; the protocols' own idle timeouts govern after login.
import net from 'node:net';
import tls from 'node:tls';
import { z } from 'zod';
import { plainIp } from './auth-throttle.ts';
import { NowsmsError } from './errors.ts';
import { listenOn } from './listen.ts';
import type { Logger } from './log.ts';

/** A client whose connection is refused or cut off; the protocol's reply is written before the close. */
export type RefusalReason = 'busy' | 'too-many-from-ip';

export interface ServerConnection {
  readonly socket: net.Socket;
  /** The client's address (IPv4-mapped IPv6 written as IPv4). */
  readonly ip: string;
  /** Accepted on the implicit-TLS port (the socket is a TLSSocket, handshake done). */
  readonly secure: boolean;
  /** The client logged in: the login deadline no longer applies. */
  loggedIn(): void;
}

export interface ServerSession {
  /** Settles once the connection is closed and nothing of it runs any more. */
  readonly done: Promise<void>;
  /** The gateway stops: finish what is owed (a committing QUIT, a 250), then close. */
  shutdown(): void;
  /** No login within the deadline: say so in the protocol, then close. */
  loginTimeout(): void;
}

export interface ServeOptions {
  /** The plug-in, in logs and config errors (`plugins.<name>.port`). */
  name: string;
  host: string;
  port: number;
  tlsPort?: number | undefined;
  certificate?: { key: Buffer; cert: Buffer } | undefined;
  maxSessions: number;
  maxSessionsPerIp: number;
  loginTimeoutSeconds: number;
  /** A password can cross this server's plain port unencrypted (no TLS, or TLS not required): warned about beyond loopback. */
  cleartextLogins: boolean;
  log: Logger;
  /** The line to send a refused client before closing (with its CRLF), or undefined to close in silence. On the implicit-TLS port a refused client is closed in silence. */
  refusal(why: RefusalReason): string | undefined;
  /** Told of every refused connection (for the plug-in's counters). */
  refused?(why: RefusalReason): void;
  /** Start the protocol on a connection the door let in. */
  session(conn: ServerConnection): ServerSession;
  /** How long a stop waits for sessions to finish before cutting them off. */
  stopGraceMs?: number;
}

/** Where and how a server plug-in listens: the part of ServeOptions its own options decide. */
export type ListenSettings = Pick<ServeOptions, 'host' | 'port' | 'tlsPort' | 'certificate' | 'maxSessions' | 'maxSessionsPerIp' | 'loginTimeoutSeconds'>;

export interface Server {
  /** `host:port` of each listener, the implicit-TLS one second. */
  readonly listening: string[];
  /** Connections open now. */
  readonly active: number;
  /** Stop accepting, shut every session down, wait for them (up to the grace), cut off the rest. */
  close(): Promise<void>;
}

/** The option keys every server plug-in takes with one name and one meaning. Spread into a plug-in's schema. */
export function serverOptionsShape(defaults: { port: number; maxSessions: number }) {
  const port = z.number().int().min(0).max(65535);
  return {
    /** 0 takes any free port (tests read the real one from the connection's status). */
    port: port.default(defaults.port),
    host: z.string().min(1).default('127.0.0.1'),
    /** Certificate for STARTTLS/STLS and tlsPort; default the gateway's `tls`; false turns TLS off for this server. */
    tls: z.union([z.strictObject({ keyFile: z.string().min(1), certFile: z.string().min(1) }), z.literal(false)]).optional(),
    /** A second port that speaks TLS from the first byte. */
    tlsPort: port.optional(),
    /** Connections at once, logged in or not, both ports together. */
    maxSessions: z.number().int().min(1).default(defaults.maxSessions),
    /** Connections at once from one address: one client cannot fill the server. */
    maxSessionsPerIp: z.number().int().min(1).default(DEFAULT_MAX_SESSIONS_PER_IP),
    /** A connection that has not logged in this long after it opened is closed. */
    loginTimeoutSeconds: z.number().positive().default(DEFAULT_LOGIN_TIMEOUT_SECONDS),
  };
}

/**
 * Refuse an option that was renamed, naming the new key: a config that says `maxClients` gets told to say
 * `maxSessions`, not a bare "unrecognized key". No silent alias: one name per idea.
 */
export function refuseRenamedOptions(plugin: string, options: unknown, renamed: Record<string, string>): void {
  if (typeof options !== 'object' || options === null) return;
  for (const [old, now] of Object.entries(renamed)) {
    if (Object.hasOwn(options, old))
      throw new NowsmsError('NOWSMS_ERR_CONFIG', `plugins.${plugin}.${old} is now called ${now} (the same name in every server): rename it in the config`);
  }
}

export const DEFAULT_MAX_SESSIONS_PER_IP = 20;
export const DEFAULT_LOGIN_TIMEOUT_SECONDS = 30;

/** After our goodbye, a client that does not close its side is cut off. */
const LINGER_MS = 5_000;
const REFUSED_LINGER_MS = 1_000;
const STOP_GRACE_MS = 10_000;
/** One "refused" log line per address per this long: a flood must not flood the log too. */
const REFUSAL_LOG_EVERY_MS = 60_000;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:127\./.test(host);
}

/** The start-up warning for a server that takes passwords in clear beyond loopback, or undefined. */
export function cleartextWarning(name: string, host: string, hasCertificate: boolean, cleartextLogins: boolean): string | undefined {
  if (isLoopback(host) || !cleartextLogins) return undefined;
  return hasCertificate
    ? `${name} listens on ${host} and lets clients log in without TLS: passwords may cross the network in clear (set requireTLS where the server has it, or listen on 127.0.0.1)`
    : `${name} listens on ${host} without TLS: passwords cross the network in clear (set tls.keyFile and tls.certFile, or listen on 127.0.0.1)`;
}

export async function serve(opts: ServeOptions): Promise<Server> {
  const servers: net.Server[] = [];
  const addresses: string[] = [];
  const open = new Set<net.Socket>();
  const refused = new Set<net.Socket>();
  const sessions = new Map<net.Socket, ServerSession>();
  const perIp = new Map<string, number>();
  const lastRefusalLog = new Map<string, number>();
  const secureContext = opts.certificate && tls.createSecureContext(opts.certificate);
  let closing = false;

  const refuse = (socket: net.Socket, ip: string, why: RefusalReason, reply = true) => {
    opts.refused?.(why);
    const t = Date.now();
    if ((lastRefusalLog.get(ip) ?? 0) + REFUSAL_LOG_EVERY_MS <= t) {
      if (lastRefusalLog.size > 10_000) lastRefusalLog.clear();
      lastRefusalLog.set(ip, t);
      opts.log.warn(
        { event: 'connection-refused', ip, service: opts.name, reason: why, max: why === 'busy' ? opts.maxSessions : opts.maxSessionsPerIp },
        why === 'busy'
          ? `${opts.name}: connection from ${ip} refused: ${opts.maxSessions} sessions open (maxSessions)`
          : `${opts.name}: connection from ${ip} refused: ${opts.maxSessionsPerIp} connections from this address already (maxSessionsPerIp)`,
      );
    }
    if (!reply) return void socket.destroy();
    const line = opts.refusal(why);
    if (line) socket.end(line);
    else socket.end();
    // Short: refused sockets are not counted, so a flood of them must not pile up.
    setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
  };

  const admit = (raw: net.Socket, secure: boolean) => {
    // The code and message only: an HTTP parser's error on this socket carries the raw request (rawPacket), passwords and all.
    raw.on('error', (err: NodeJS.ErrnoException) => opts.log.debug({ err: { code: err.code, message: err.message } }, `${opts.name}: connection error`));
    const ip = plainIp(raw.remoteAddress ?? '');
    if (closing) return void raw.destroy();
    // Counted from the first byte of TCP, handshake included: a client cannot hold slots by stalling TLS.
    // A refused connection counts for nothing: refusals must not fill the server either.
    const from = perIp.get(ip) ?? 0;
    const over: RefusalReason | undefined = open.size >= opts.maxSessions ? 'busy' : from >= opts.maxSessionsPerIp ? 'too-many-from-ip' : undefined;
    if (over && secure) {
      // A reply on the TLS port would cost a handshake per refusal, which is what a flood wants: close at once.
      refuse(raw, ip, over, false);
      return;
    }
    if (over) {
      refused.add(raw);
      raw.once('close', () => refused.delete(raw));
    } else {
      open.add(raw);
      perIp.set(ip, from + 1);
      raw.once('close', () => {
        open.delete(raw);
        const n = (perIp.get(ip) ?? 1) - 1;
        if (n <= 0) perIp.delete(ip);
        else perIp.set(ip, n);
      });
    }
    const socket = secure ? new tls.TLSSocket(raw, { isServer: true, secureContext: secureContext! }) : raw;
    if (secure) socket.on('error', (err) => opts.log.debug({ err, ip }, `${opts.name}: TLS error`));
    let session: ServerSession | undefined;
    const deadline = setTimeout(() => {
      if (session) session.loginTimeout();
      else socket.destroy(); // still in the TLS handshake
      setTimeout(() => raw.destroy(), LINGER_MS).unref();
    }, opts.loginTimeoutSeconds * 1000);
    deadline.unref();
    raw.once('close', () => clearTimeout(deadline));
    const start = () => {
      if (over) {
        clearTimeout(deadline);
        return refuse(socket, ip, over);
      }
      if (closing) return void socket.destroy();
      session = opts.session({ socket, ip, secure, loggedIn: () => clearTimeout(deadline) });
      sessions.set(raw, session);
      void session.done.then(() => sessions.delete(raw));
    };
    if (secure) socket.once('secure', start);
    else start();
  };

  const listen = async (port: number, secure: boolean) => {
    const server = net.createServer((socket) => admit(socket, secure));
    addresses.push(await listenOn(server, port, opts.host, { plugin: opts.name, option: secure ? 'tlsPort' : 'port', log: opts.log }));
    servers.push(server);
  };

  const close = async () => {
    closing = true;
    const stopped = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of sessions.values()) s.shutdown();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.stopGraceMs ?? STOP_GRACE_MS)));
    await Promise.race([Promise.all([...sessions.values()].map((s) => s.done)), grace]);
    clearTimeout(timer);
    for (const socket of [...open, ...refused]) socket.destroy();
    await Promise.all(stopped);
    servers.length = 0;
    addresses.length = 0;
  };

  try {
    await listen(opts.port, false);
    if (opts.tlsPort !== undefined) {
      if (!secureContext) throw new Error(`${opts.name}: tlsPort needs a certificate`);
      await listen(opts.tlsPort, true);
    }
  } catch (err) {
    await close();
    throw err;
  }
  const warning = cleartextWarning(opts.name, opts.host, opts.certificate !== undefined, opts.cleartextLogins);
  if (warning) opts.log.warn({ service: opts.name, host: opts.host }, warning);

  return {
    get listening() {
      return [...addresses];
    },
    get active() {
      return open.size;
    },
    close,
  };
}
