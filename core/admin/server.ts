// The admin interface: a running gateway answers JSON lines on a Unix socket in its data directory (mode
// 0600: only the gateway's own user may ask). The socket is also the lock that keeps a second gateway off
// the same data directory. `subscribe` turns a connection into a stream of events; a client that reads
// too slowly loses events (and is told, `lagged`), never the gateway's memory.
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { NowsmsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { ADMIN_PROTOCOL_VERSION, type AdminErrorBody, type AdminRequest, type SubscriberView } from './protocol.ts';
import type { AdminRegistry, Unsubscribe } from './registry.ts';

/** A request line longer than this closes the connection. */
const MAX_LINE = 1 << 20;
/** Bytes the client has not read yet above which events are dropped for it. */
export const STREAM_HIGH_WATER_BYTES = 256 * 1024;
/** A subscriber that has not read for this long is disconnected (it keeps nothing more of ours meanwhile). */
export const STREAM_STALL_CLOSE_MS = 60_000;

export function adminSocketPath(dataDir: string): string {
  return path.join(dataDir, 'admin.sock');
}

export interface AdminServer {
  close(): Promise<void>;
  /** The connections that subscribed, with what they have not read: for `status`. */
  subscribers(): SubscriberView[];
}

export interface AdminServerOptions {
  highWaterBytes?: number;
  stallCloseMs?: number;
}

/** The error body for any thrown value: its `NOWSMS_ERR_` code when it has one (whatever copy of core made it). */
export function errorBody(e: unknown): AdminErrorBody {
  const err = e as { code?: unknown; message?: unknown; field?: unknown };
  const code = typeof err?.code === 'string' && err.code.startsWith('NOWSMS_ERR_') ? err.code : 'NOWSMS_ERR_INTERNAL';
  const body: AdminErrorBody = { code, message: typeof err?.message === 'string' ? err.message : String(e) };
  if (typeof err?.field === 'string') body.field = err.field;
  return body;
}

/** An action's parameters as the log shows them: never a password or its hash, nor a message's text. */
function withoutSecrets(params: Record<string, unknown>): Record<string, unknown> {
  const { password, passwordHash, text, ...rest } = params;
  return {
    ...rest,
    ...(password !== undefined || passwordHash !== undefined ? { password: '(set)' } : {}),
    ...(typeof text === 'string' ? { text: `(${text.length} characters)` } : {}),
  };
}

class Subscriber {
  readonly topics: string[] = [];
  readonly unsubscribes: Unsubscribe[] = [];
  dropped = 0;
  private readonly droppedBy = new Map<string, number>();
  private stalledSince: number | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly highWater: number,
    private readonly stallCloseMs: number,
  ) {
    socket.on('drain', () => this.flushLagged());
  }

  push(topic: string, event: unknown): void {
    const s = this.socket;
    if (s.destroyed) return;
    if (s.writableLength > this.highWater) {
      this.dropped++;
      this.droppedBy.set(topic, (this.droppedBy.get(topic) ?? 0) + 1);
      const now = Date.now();
      this.stalledSince ??= now;
      if (now - this.stalledSince > this.stallCloseMs) s.destroy();
      return;
    }
    this.flushLagged();
    s.write(JSON.stringify({ topic, event }) + '\n');
  }

  private flushLagged(): void {
    this.stalledSince = undefined;
    for (const [topic, dropped] of this.droppedBy) this.socket.write(JSON.stringify({ topic, lagged: { dropped } }) + '\n');
    this.droppedBy.clear();
  }

  view(): SubscriberView {
    return { topics: this.topics, buffered: this.socket.writableLength, dropped: this.dropped };
  }

  close(): void {
    for (const u of this.unsubscribes.splice(0)) u();
  }
}

export async function listenAdmin(socketPath: string, registry: AdminRegistry, log: Logger, opts: AdminServerOptions = {}): Promise<AdminServer> {
  // A socket left by a gateway that was killed: remove it unless a live gateway still answers on it.
  if (existsSync(socketPath)) {
    const alive = await new Promise<boolean>((resolve) => {
      const c = net.connect(socketPath, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (alive) throw new NowsmsError('NOWSMS_ERR_CONFIG', `another gateway is running on this data directory (${socketPath} answers): stop it first`);
    unlinkSync(socketPath);
  }
  const highWater = opts.highWaterBytes ?? STREAM_HIGH_WATER_BYTES;
  const stallCloseMs = opts.stallCloseMs ?? STREAM_STALL_CLOSE_MS;
  const subscribers = new Set<Subscriber>();

  const server = net.createServer((socket) => {
    let buf = '';
    let subscriber: Subscriber | undefined;
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (!subscriber) return;
      subscriber.close();
      subscribers.delete(subscriber);
    });
    const reply = (line: unknown) => {
      if (socket.destroyed) return;
      socket.write(JSON.stringify(line) + '\n');
      // A client that sends requests without reading the replies: stop reading its requests until it does.
      if (socket.writableLength > highWater) socket.pause();
    };
    socket.on('drain', () => socket.resume());

    const handle = async (line: string) => {
      let id: string | number | undefined;
      // A command that changes something, with who asked: logged when it is done or refused.
      let action: Record<string, unknown> | undefined;
      try {
        let req: AdminRequest;
        try {
          req = JSON.parse(line) as AdminRequest;
        } catch {
          throw new NowsmsError('NOWSMS_ERR_BAD_REQUEST', 'a request is one JSON object per line');
        }
        if (typeof req !== 'object' || req === null || Array.isArray(req))
          throw new NowsmsError('NOWSMS_ERR_BAD_REQUEST', 'a request is one JSON object per line');
        if (typeof req.id === 'string' || typeof req.id === 'number') id = req.id;
        if (typeof req.command !== 'string')
          throw Object.assign(new NowsmsError('NOWSMS_ERR_BAD_REQUEST', 'a request needs a command (a string)'), { field: 'command' });
        if (req.v !== undefined && req.v !== ADMIN_PROTOCOL_VERSION)
          throw Object.assign(
            new NowsmsError('NOWSMS_ERR_BAD_REQUEST', `this gateway speaks admin protocol version ${ADMIN_PROTOCOL_VERSION}, not ${String(req.v)}`),
            { field: 'v' },
          );
        const { v: _v, id: _id, actor, command, ...params } = req;
        if (command === 'subscribe') return await subscribe(id, params);
        if (subscriber) throw new NowsmsError('NOWSMS_ERR_USAGE', 'this connection carries a subscription: open another one for requests');
        if (!registry.isReadOnly(command))
          action = { command, actor: typeof actor === 'string' && actor !== '' ? actor : 'unknown', ...withoutSecrets(params) };
        const result = await registry.call(command, params);
        if (action) log.info(action, 'admin action done');
        reply({ ...(id === undefined ? {} : { id }), ok: true, result: result ?? null });
      } catch (e) {
        const error = errorBody(e);
        if (error.code === 'NOWSMS_ERR_INTERNAL') log.error({ err: e }, 'admin request failed');
        if (action) log.info({ ...action, error: error.code, why: error.message }, 'admin action refused');
        reply({ ...(id === undefined ? {} : { id }), ok: false, error });
      }
    };

    const subscribe = async (id: string | number | undefined, params: Record<string, unknown>) => {
      if (subscriber) throw new NowsmsError('NOWSMS_ERR_USAGE', 'this connection has subscribed already');
      const { topics, from } = registry.parse('subscribe', params) as { topics: string[]; from?: Record<string, unknown> };
      const sources = [...new Set(topics)].map((t) => registry.topic(t));
      // Checked before the reply: once it is sent, the request has one answer and must not get another.
      for (const [topic, cursor] of Object.entries(from ?? {})) {
        if (cursor !== undefined && !(typeof cursor === 'number' && Number.isSafeInteger(cursor) && cursor >= 0))
          throw Object.assign(new NowsmsError('NOWSMS_ERR_BAD_REQUEST', `from.${topic} must be a cursor: a whole number, 0 or more`), {
            field: `from.${topic}`,
          });
      }
      const sub = new Subscriber(socket, highWater, stallCloseMs);
      subscriber = sub;
      subscribers.add(sub);
      // The reply first: events follow it.
      reply({ ...(id === undefined ? {} : { id }), ok: true, result: { protocol: ADMIN_PROTOCOL_VERSION, topics: sources.map((s) => s.topic) } });
      try {
        for (const source of sources) {
          sub.topics.push(source.topic);
          const unsubscribe = await source.subscribe(from?.[source.topic], (event) => sub.push(source.topic, event));
          if (socket.destroyed) unsubscribe();
          else sub.unsubscribes.push(unsubscribe);
        }
      } catch (e) {
        // Answered already: the subscriber learns of the failure by the connection closing, the operator from the log.
        log.error({ err: e, topics: sub.topics }, 'admin subscription failed after it was accepted; closing it');
        socket.end();
      }
    };

    socket.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_LINE) {
        reply({ ok: false, error: { code: 'NOWSMS_ERR_BAD_REQUEST', message: `request line longer than ${MAX_LINE} bytes` } });
        socket.end();
        return;
      }
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line !== '') void handle(line);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  log.debug({ socket: socketPath }, 'admin interface listening');
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    subscribers: () => [...subscribers].map((s) => s.view()),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Subscriptions never end on their own: close them, or close() would wait for them forever.
        for (const s of sockets) s.destroy();
        try {
          unlinkSync(socketPath);
        } catch {
          // already gone
        }
      }),
  };
}
