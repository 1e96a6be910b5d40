// A client of the admin socket, for the CLI and the terminal UI: typed requests, and subscriptions.
import net from 'node:net';
import os from 'node:os';
import { NowsmsError, type ErrorCode } from '../errors.ts';
import type { AdminCommandName, AdminCommands, AdminEventLine, AdminReply } from './protocol.ts';

function replyError(reply: Extract<AdminReply, { ok: false }>): NowsmsError {
  return Object.assign(new NowsmsError(reply.error.code as ErrorCode, reply.error.message), reply.error.field ? { field: reply.error.field } : {});
}

/**
 * Who runs this client, for the gateway's log of actions: the login name, and the one behind sudo. The
 * socket (mode 0600) lets only the gateway's user and root in; which person of those it was, the client says.
 */
export function clientActor(): string {
  let name: string;
  try {
    name = os.userInfo().username;
  } catch {
    name = `uid ${process.getuid?.() ?? '?'}`;
  }
  const sudo = process.env.SUDO_USER;
  return sudo && sudo !== name ? `${sudo} (sudo as ${name})` : name;
}

export class AdminClient {
  private buf = '';
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private onEvent: ((line: AdminEventLine) => void) | undefined;
  private readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => this.receive(d));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        const gone = new NowsmsError('NOWSMS_ERR_USAGE', 'the gateway closed the admin connection');
        for (const w of this.waiting.values()) w.reject(gone);
        this.waiting.clear();
        resolve();
      }),
    );
  }

  /** Connect to a running gateway; undefined when none answers on the socket. */
  static connect(socketPath: string): Promise<AdminClient | undefined> {
    return new Promise((resolve, reject) => {
      const s = net.connect(socketPath);
      s.once('connect', () => {
        s.removeAllListeners('error');
        s.on('error', () => s.destroy());
        resolve(new AdminClient(s));
      });
      s.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') resolve(undefined);
        else
          reject(
            new NowsmsError(
              'NOWSMS_ERR_CONFIG',
              `cannot reach the gateway's admin socket ${socketPath} (${e.code ?? e.message}): run nowsms as the gateway's user`,
              {
                cause: e,
              },
            ),
          );
      });
    });
  }

  /** A core command, typed. Rejects with a NowsmsError carrying the gateway's code. */
  request<C extends AdminCommandName>(command: C, params: AdminCommands[C]['request']): Promise<AdminCommands[C]['result']> {
    return this.call(command, params as Record<string, unknown>) as Promise<AdminCommands[C]['result']>;
  }

  /** Any command (a plug-in's), untyped. */
  call(command: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.write(JSON.stringify({ ...params, v: 1, id, actor: clientActor(), command }) + '\n');
    });
  }

  /** Turn this connection into a stream of events; `onEvent` gets every event and lagged line. */
  async subscribe(topics: string[], onEvent: (line: AdminEventLine) => void, from?: Record<string, unknown>): Promise<{ topics: string[] }> {
    this.onEvent = onEvent;
    return (await this.request('subscribe', { topics, ...(from ? { from } : {}) })) as { topics: string[] };
  }

  /** Resolves when the connection is gone (closed here, or the gateway went away). */
  whenClosed(): Promise<void> {
    return this.closed;
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  private receive(d: string): void {
    this.buf += d;
    let i;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(this.buf.slice(0, i)) as AdminReply | AdminEventLine;
      this.buf = this.buf.slice(i + 1);
      if ('topic' in line) {
        this.onEvent?.(line);
        continue;
      }
      const w = typeof line.id === 'number' ? this.waiting.get(line.id) : undefined;
      if (!w) continue;
      this.waiting.delete(line.id as number);
      if (line.ok) w.resolve(line.result);
      else w.reject(replyError(line));
    }
  }
}

/** One request to a running gateway: `{ answered: false }` when none runs on this data directory. */
export async function askAdmin(
  socketPath: string,
  command: string,
  params: Record<string, unknown> = {},
): Promise<{ answered: true; result: unknown } | { answered: false }> {
  const client = await AdminClient.connect(socketPath);
  if (!client) return { answered: false };
  try {
    return { answered: true, result: await client.call(command, params) };
  } finally {
    await client.close();
  }
}
