// Other nodes' commits, as they happen: a dedicated connection LISTENs on the channel every commit that
// appended to the event log NOTIFYs (write-queue.ts), and wakes this handle's followers, with the changes
// when the notification carries them (events.ts, notifyWithChanges), so that they need not read. The
// connection comes back by itself after the server restarts or the network drops; when it does, the
// followers are woken once, since a change may have been made while nobody listened. The followers also
// poll (core), which covers whatever a lost notification would miss.
import type { StatusChange } from 'nowsms';
import pg from 'pg';
import { readPayload } from './events.ts';
import { CHANNEL } from './write-queue.ts';

const RETRY_MIN_MS = 100;
/**
 * Other nodes' notifications without their changes wake the followers this long after the first of them,
 * once for all that come meanwhile: under load every node commits many times a second, and each such wake
 * is a read of the log by every other node. A change made on another node is seen this much later; this
 * node's own, and those a notification carries, at once.
 */
export const GATHER_MS = 10;
const RETRY_MAX_MS = 5_000;

export class Listener {
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private gathering: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    /** Notifications carrying this payload are this handle's own commits: its followers were woken already. */
    private readonly handleId: string,
    private readonly wake: (changes?: StatusChange[]) => void,
  ) {}

  /** Starts listening; resolves once the first LISTEN is in place (or failed: then it keeps trying). */
  async start(): Promise<void> {
    await this.connect(false);
  }

  private async connect(woken: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    this.client = client;
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      this.schedule();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || n.payload === undefined) return;
      const { handle, changes } = readPayload(n.payload, this.handleId);
      if (handle === this.handleId) return;
      // The changes themselves: the followers take them without reading, when they follow what they have.
      if (changes) return this.wake(changes);
      if (this.gathering) return;
      this.gathering = setTimeout(() => {
        this.gathering = undefined;
        this.wake();
      }, GATHER_MS);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.retryMs = RETRY_MIN_MS;
      if (woken) this.wake();
    } catch {
      onLost();
    }
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect(true);
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.gathering);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
