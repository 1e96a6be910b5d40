// The data link MM1 runs over (ppp0, wwan0): brought up by the operator's own tools. The gateway only runs
// the commands it was given, without a shell (program and arguments as a list), before a transaction when
// the link is not known to be up, and again to take it down after it was idle; and it finds the local
// address of the interface it was told to use, at each transaction (a PPP link gets a new one each time).
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { SendError, type Logger } from 'nowsms';
import type { ResolvedGprsMmsOptions } from './options.ts';

type LinkOptions = NonNullable<ResolvedGprsMmsOptions['link']>;

function run(argv: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs, windowsHide: true }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const why =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : err.killed ? `still running after ${timeoutMs / 1000} s` : `exit ${String(err.code)}`;
      const said = String(stderr).trim().split('\n').slice(-1)[0];
      reject(new Error(`${argv[0]} ${why}${said ? `: ${said}` : ''}`));
    });
  });
}

export class DataLink {
  private upSince: number | undefined;
  private users = 0;
  private idle: NodeJS.Timeout | undefined;
  private pending: Promise<void> | undefined;
  private going: Promise<void> | undefined;
  readonly counters = { up: 0, down: 0, failed: 0 };

  constructor(
    private readonly opts: { link?: LinkOptions; interface?: string; localAddress?: string },
    private readonly log: Logger,
  ) {}

  /** Run `fn` with the link up and the local address to connect from; the link goes down after it was idle. */
  async use<T>(fn: (localAddress: string | undefined) => Promise<T>): Promise<T> {
    this.users++;
    clearTimeout(this.idle);
    try {
      await this.bringUp();
      return await fn(this.localAddress());
    } finally {
      this.users--;
      if (this.users === 0) this.scheduleDown();
    }
  }

  /** The interface's address, or the configured one; a temporary failure when the interface has none. */
  localAddress(): string | undefined {
    if (!this.opts.interface) return this.opts.localAddress;
    const addrs = networkInterfaces()[this.opts.interface] ?? [];
    const a = addrs.find((x) => x.family === 'IPv4') ?? addrs.find((x) => x.family === 'IPv6' && !x.address.startsWith('fe80'));
    if (!a) throw new SendError('temporary', `the data link's interface ${this.opts.interface} has no address: is the link up?`);
    return a.address;
  }

  async stop(): Promise<void> {
    clearTimeout(this.idle);
    if (this.upSince !== undefined) await this.takeDown();
  }

  get state(): 'up' | 'down' | 'always' {
    if (!this.opts.link?.up) return 'always';
    return this.upSince === undefined ? 'down' : 'up';
  }

  private async bringUp(): Promise<void> {
    const up = this.opts.link?.up;
    if (!up) return;
    // Taking it down right now: let that finish, then bring it up again.
    if (this.going) await this.going;
    if (this.upSince !== undefined) return;
    this.pending ??= run(up, this.opts.link!.timeoutSeconds * 1000)
      .then(() => {
        this.upSince = Date.now();
        this.counters.up++;
        this.log.info({ command: up[0] }, 'gprs-mms: data link up');
      })
      .catch((e: Error) => {
        this.counters.failed++;
        throw new SendError('temporary', `the data link did not come up (${e.message})`);
      })
      .finally(() => {
        this.pending = undefined;
      });
    await this.pending;
  }

  private scheduleDown(): void {
    if (this.upSince === undefined || !this.opts.link?.down) return;
    this.idle = setTimeout(() => void this.takeDown(), this.opts.link.idleSeconds * 1000);
    this.idle.unref();
  }

  private takeDown(): Promise<void> {
    this.going ??= this.runDown().finally(() => {
      this.going = undefined;
    });
    return this.going;
  }

  private async runDown(): Promise<void> {
    const down = this.opts.link?.down;
    this.upSince = undefined;
    if (!down) return;
    try {
      await run(down, this.opts.link!.timeoutSeconds * 1000);
      this.counters.down++;
      this.log.info({ command: down[0] }, 'gprs-mms: data link down');
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'gprs-mms: the command that takes the data link down failed');
    }
  }
}
