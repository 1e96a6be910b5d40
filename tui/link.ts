// The TUI's one way to a gateway: the admin socket. A request connection for commands and a subscribed
// connection for live data (`connections`, `log`); queue sizes are asked with `status` each second. When
// no gateway answers, it says so and tries again every second. Listeners are told at most a few times a
// second, however fast the gateway changes, so the screen redraws at a bounded rate.
import { AdminClient } from '../core/admin/client.ts';
import type { AdminCommandName, AdminCommands, ConnectionView, LogLineEvent, StatusResult } from '../core/admin/protocol.ts';

export const RECONNECT_MS = 1000;
export const STATUS_POLL_MS = 1000;
/** Listeners hear of changes at most this often: the frame rate's ceiling. */
export const NOTIFY_MS = 500;
export const LOG_KEEP = 1000;

export interface LinkState {
  /** `down`: no gateway answers on the data directory's socket. */
  phase: 'connecting' | 'up' | 'down';
  /** Why the last attempt failed, when it is not simply "nothing listens". */
  error?: string;
  pid?: number;
  connections: ConnectionView[];
  /** Per connection, per counter: its change per second over the last update. */
  rates: Record<string, Record<string, number>>;
  queues: StatusResult['queues'];
  noRoute: number;
  log: LogLineEvent[];
  /** Grows on every change: a cheap "did anything change" for a view. */
  version: number;
}

/** What the views need of a gateway; the tests give them a fake one. */
export interface Link {
  state(): LinkState;
  /** Called (throttled) after changes; returns the function that stops it. */
  onChange(listener: () => void): () => void;
  request<C extends AdminCommandName>(command: C, params: AdminCommands[C]['request']): Promise<AdminCommands[C]['result']>;
}

export class GatewayLink implements Link {
  private s: LinkState = { phase: 'connecting', connections: [], rates: {}, queues: {}, noRoute: 0, log: [], version: 0 };
  private readonly listeners = new Set<() => void>();
  private requests: AdminClient | undefined;
  private stream: AdminClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, { at: number; counters: Record<string, number> }>();
  private stopped = false;

  constructor(private readonly socketPath: string) {}

  start(): void {
    void this.connect();
  }

  state(): LinkState {
    return this.s;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  request<C extends AdminCommandName>(command: C, params: AdminCommands[C]['request']): Promise<AdminCommands[C]['result']> {
    if (!this.requests) return Promise.reject(new Error('no gateway is running'));
    return this.requests.request(command, params);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.poll);
    clearTimeout(this.notifyTimer);
    await Promise.all([this.requests?.close(), this.stream?.close()]);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const requests = await AdminClient.connect(this.socketPath);
      const stream = requests && (await AdminClient.connect(this.socketPath));
      if (!requests || !stream) {
        await requests?.close();
        this.down();
        return;
      }
      this.requests = requests;
      this.stream = stream;
      // Either connection closing means the gateway went away (or is going): start over.
      void Promise.race([requests.whenClosed(), stream.whenClosed()]).then(() => this.lost());
      const status = await requests.request('status', {});
      this.applyStatus(status);
      this.s = { ...this.s, phase: 'up', pid: status.pid, connections: Object.values(status.connections), log: [] };
      delete this.s.error;
      await stream.subscribe(['connections', 'log'], (line) => {
        if ('lagged' in line) return;
        if (line.topic === 'connections') this.applyConnection(line.event as ConnectionView);
        else if (line.topic === 'log') this.applyLog(line.event as LogLineEvent);
      });
      this.poll = setInterval(() => {
        requests.request('status', {}).then(
          (st) => this.applyStatus(st),
          () => undefined,
        );
      }, STATUS_POLL_MS);
      this.changed(true);
    } catch (e) {
      this.down((e as Error).message);
    }
  }

  private lost(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    const gone = [this.requests, this.stream];
    this.requests = undefined;
    this.stream = undefined;
    for (const c of gone) void c?.close();
    this.seen.clear();
    this.down();
  }

  private down(error?: string): void {
    if (this.stopped) return;
    const wasUp = this.s.phase !== 'down';
    this.s = { ...this.s, phase: 'down', connections: [], rates: {}, queues: {}, noRoute: 0 };
    if (error) this.s.error = error;
    else delete this.s.error;
    delete this.s.pid;
    if (wasUp) this.changed(true);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), RECONNECT_MS);
  }

  private applyStatus(status: StatusResult): void {
    this.s = { ...this.s, queues: status.queues, noRoute: status.noRoute };
    this.changed();
  }

  private applyConnection(v: ConnectionView): void {
    const now = Date.now();
    const before = this.seen.get(v.id);
    if (before) {
      const dt = (now - before.at) / 1000;
      const rates: Record<string, number> = {};
      if (dt > 0) for (const [k, n] of Object.entries(v.counters)) rates[k] = Math.max(0, (n - (before.counters[k] ?? 0)) / dt);
      this.s = { ...this.s, rates: { ...this.s.rates, [v.id]: rates } };
    }
    this.seen.set(v.id, { at: now, counters: v.counters });
    const i = this.s.connections.findIndex((c) => c.id === v.id);
    const connections = [...this.s.connections];
    if (i >= 0) connections[i] = v;
    else connections.push(v);
    this.s = { ...this.s, connections };
    this.changed();
  }

  private applyLog(e: LogLineEvent): void {
    // Kept in place (a copy per line would cost more than the line): views go by `version`.
    this.s.log.push(e);
    if (this.s.log.length > LOG_KEEP) this.s.log.splice(0, this.s.log.length - LOG_KEEP);
    this.changed();
  }

  /** Tell the listeners, at most once per NOTIFY_MS (at once for a change of phase). */
  private changed(now = false): void {
    this.s = { ...this.s, version: this.s.version + 1 };
    if (now) {
      clearTimeout(this.notifyTimer);
      this.notifyTimer = undefined;
      for (const l of this.listeners) l();
      return;
    }
    this.notifyTimer ??= setTimeout(() => {
      this.notifyTimer = undefined;
      for (const l of this.listeners) l();
    }, NOTIFY_MS);
  }
}
