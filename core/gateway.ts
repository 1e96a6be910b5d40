// Boot: check plug-in metadata, run their setup in dependency order, then start connections and
// dispatchers. `open()` without `start()` is what the CLI uses: stores and submit, no servers.
import { normalizeAddress } from './address.ts';
import { adminSocketPath, listenAdmin } from './admin.ts';
import { createAuth, type Auth } from './auth.ts';
import type { ResolvedConfig } from './config.ts';
import { Dispatcher } from './dispatcher.ts';
import { NowsmsError } from './errors.ts';
import { createHooks, freezeHooks, type GatewayHooks } from './hooks.ts';
import { createLogger, type Logger } from './log.ts';
import { submit, type PipelineDeps } from './pipeline.ts';
import { CORE_API_VERSION, type NowsmsPlugin, type PluginApi } from './plugin.ts';
import { chooseConnection, userRoutes } from './routing.ts';
import { applyConfigUsers } from './users.ts';
import type { Accepted, Connection, ConnectionContext, ConnectionStatus, DeliveryReport, MessageStatus, NewMessage, Stores } from './types.ts';

const STORE_SLOTS = ['users', 'messages', 'queues', 'mailboxes', 'segments'] as const;

/** Dependencies first; a missing dependency or a cycle is a coded error naming the plug-in. */
export function orderPlugins(plugins: NowsmsPlugin[]): NowsmsPlugin[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: NowsmsPlugin[] = [];
  const visit = (p: NowsmsPlugin) => {
    if (done.has(p.name)) return;
    if (visiting.has(p.name)) throw new NowsmsError('NOWSMS_ERR_PLUGIN', `plug-in ${p.name} depends on itself through its dependencies`);
    visiting.add(p.name);
    for (const d of p.dependencies ?? []) {
      const dep = byName.get(d);
      if (!dep) throw new NowsmsError('NOWSMS_ERR_PLUGIN', `plug-in ${p.name} needs plug-in ${d}: add it to plugins in nowsms.config.ts`);
      visit(dep);
    }
    visiting.delete(p.name);
    done.add(p.name);
    out.push(p);
  };
  for (const p of plugins) {
    const api = p.coreApi ?? [CORE_API_VERSION];
    if (!api.includes(CORE_API_VERSION))
      throw new NowsmsError(
        'NOWSMS_ERR_PLUGIN',
        `plug-in ${p.name} supports core API ${api.join(', ')}, this core is ${CORE_API_VERSION}: upgrade the plug-in`,
      );
    visit(p);
  }
  return out;
}

export class Gateway {
  readonly hooks: GatewayHooks;
  readonly log: Logger;
  readonly auth: Auth;
  private readonly storeSlots: Partial<Stores> = {};
  private readonly conns: Connection[] = [];
  private readonly closers: { name: string; fn: () => Promise<void> | void }[] = [];
  private readonly dispatchers = new Map<string, Dispatcher>();
  private state: 'new' | 'open' | 'running' | 'stopped' = 'new';

  private constructor(
    readonly config: ResolvedConfig,
    log: Logger,
  ) {
    this.log = log;
    this.hooks = createHooks(log);
    for (const h of Object.values(this.hooks)) h.timeoutMs = config.hookTimeoutMs;
    this.auth = createAuth({
      users: () => this.stores.users,
      dataDir: config.dataDir,
      apop: config.security.apop,
      failureDelayMs: config.security.authFailureDelayMs,
      limits: {
        failuresPerIp: config.security.authFailuresPerIp,
        failuresPerUser: config.security.authFailuresPerUser,
        windowSeconds: config.security.authFailureWindowSeconds,
        lockoutSeconds: config.security.authLockoutSeconds,
      },
      log: log.child({ component: 'auth' }),
    });
  }

  /** Set up every plug-in and open the stores. Config users are applied. */
  static async open(config: ResolvedConfig, opts: { log?: Logger } = {}): Promise<Gateway> {
    const log = opts.log ?? createLogger({ level: config.log.level, ...(config.log.pretty === undefined ? {} : { pretty: config.log.pretty }) });
    const gw = new Gateway(config, log);
    try {
      for (const plugin of orderPlugins([userRoutes(), ...config.plugins])) await plugin.setup(gw.apiFor(plugin));
      const missing = STORE_SLOTS.filter((s) => !gw.storeSlots[s]);
      if (missing.length) throw new NowsmsError('NOWSMS_ERR_NO_STORE', `no store for ${missing.join(', ')}: add sqliteStore() to plugins in nowsms.config.ts`);
      await applyConfigUsers(gw.stores.users, gw.auth, config, log);
    } catch (e) {
      await gw.close();
      throw e;
    }
    gw.state = 'open';
    return gw;
  }

  get stores(): Stores {
    const s = this.storeSlots;
    if (STORE_SLOTS.some((k) => !s[k]))
      throw new NowsmsError('NOWSMS_ERR_NO_STORE', 'the stores are not ready yet: use them after setup (in start() or hook handlers)');
    return s as Stores;
  }

  connections(): readonly Connection[] {
    return this.conns;
  }

  private apiFor(plugin: NowsmsPlugin): PluginApi {
    const log = this.log.child({ plugin: plugin.name });
    const stores = () => this.stores;
    return {
      hooks: this.hooks,
      log,
      config: this.config,
      get stores() {
        return stores();
      },
      auth: this.auth,
      normalizeAddress: (a) => normalizeAddress(a, this.config.numbering),
      connection: (c) => {
        if (this.state !== 'new') throw new NowsmsError('NOWSMS_ERR_FROZEN', `plug-in ${plugin.name} registered connection ${c.id} after setup`);
        if (this.conns.some((x) => x.id === c.id))
          throw new NowsmsError('NOWSMS_ERR_PLUGIN', `two connections are named ${c.id}: connection ids must be unique`);
        this.conns.push(c);
      },
      store: (slot, impl) => {
        if (this.storeSlots[slot])
          throw new NowsmsError('NOWSMS_ERR_PLUGIN', `plug-in ${plugin.name} fills store slot ${slot}, which another plug-in already filled`);
        this.storeSlots[slot] = impl as never;
      },
      onClose: (fn) => {
        this.closers.push({ name: plugin.name, fn });
      },
      submit: (messages) => this.submit(messages),
    };
  }

  private pipelineDeps(): PipelineDeps {
    return { hooks: this.hooks, stores: this.stores, config: this.config, log: this.log, connections: () => this.conns, kick: (id) => this.kick(id) };
  }

  /** Route and commit; resolves once durable. */
  submit(messages: NewMessage[]): Promise<Accepted[]> {
    return submit(this.pipelineDeps(), messages);
  }

  /** Apply a delivery report; unmatched reports are kept by the store and logged here. */
  async report(r: DeliveryReport): Promise<{ messageId: string; status: MessageStatus } | undefined> {
    const applied = await this.stores.messages.recordReport(r);
    if (!applied) this.log.warn({ connection: r.connectionId, remoteId: r.remoteId, outcome: r.outcome }, 'delivery report matches no sent message; kept');
    else {
      this.log.info({ id: applied.messageId, connection: r.connectionId, remoteId: r.remoteId, outcome: r.outcome, status: applied.status }, 'delivery report');
      void this.hooks.status.call(applied.messageId, applied.status, r.detail);
    }
    return applied;
  }

  kick(connectionId?: string): void {
    if (connectionId === undefined) {
      for (const d of this.dispatchers.values()) d.kick();
      void this.routeWaiting();
    } else this.dispatchers.get(connectionId)?.kick();
  }

  /** MT messages that waited with no route get one if a connection now carries them. */
  private async routeWaiting(): Promise<void> {
    try {
      for (const m of await this.stores.queues.unrouted(10_000)) {
        const id = chooseConnection(m, this.conns);
        if (id) {
          await this.stores.queues.assign(m.id, id);
          this.dispatchers.get(id)?.kick();
        }
      }
    } catch (err) {
      this.log.error({ err }, 'cannot route waiting messages');
    }
  }

  /** Start every connection and the outbound workers. Hooks are frozen from here on. */
  async start(): Promise<void> {
    if (this.state !== 'open') throw new NowsmsError('NOWSMS_ERR_USAGE', `gateway cannot start from state ${this.state}`);
    freezeHooks(this.hooks);
    this.state = 'running';
    // First: it is also the lock that keeps a second gateway off this data directory.
    try {
      const closeAdmin = await listenAdmin(adminSocketPath(this.config.dataDir), (req) => this.admin(req), this.log);
      this.closers.unshift({ name: 'core:admin', fn: closeAdmin });
    } catch (e) {
      if (e instanceof NowsmsError) {
        await this.stop();
        throw e;
      }
      // A socket path too long for the OS, say: the gateway still works, `nowsms status` does not.
      this.log.warn({ err: e }, 'admin interface unavailable');
    }

    await this.stores.queues.releaseLeases();
    const ctx = (c: Connection): ConnectionContext => ({
      log: this.log.child({ connection: c.id }),
      stores: this.stores,
      submit: (m) => this.submit(m),
      kick: (id) => this.kick(id ?? c.id),
      report: (r) => this.report({ ...r, connectionId: c.id }),
    });
    try {
      for (const c of this.conns) {
        await c.start(ctx(c));
        if (c.send) {
          const d = new Dispatcher(c, { stores: this.stores, hooks: this.hooks, config: this.config, log: this.log.child({ connection: c.id }) });
          this.dispatchers.set(c.id, d);
          d.start();
        }
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    await this.routeWaiting();

    this.log.info({ connections: this.status() }, 'gateway started');
  }

  /** What the admin interface answers (see core/admin.ts). */
  private async admin(req: { command: string }): Promise<unknown> {
    switch (req.command) {
      case 'status':
        return { pid: process.pid, connections: this.status(), queues: await this.stores.queues.counts() };
      default:
        throw new NowsmsError('NOWSMS_ERR_USAGE', `unknown admin command ${req.command}`);
    }
  }

  status(): Record<string, ConnectionStatus & { kind: string }> {
    const out: Record<string, ConnectionStatus & { kind: string }> = {};
    for (const c of this.conns) {
      const s = c.status();
      const d = this.dispatchers.get(c.id);
      out[c.id] = { ...s, kind: c.kind, counters: { ...s.counters, ...(d ? d.counters : {}) } };
    }
    return out;
  }

  /** Stop workers, then connections (reverse order), then close plug-ins (reverse order). */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    await Promise.all([...this.dispatchers.values()].map((d) => d.stop()));
    if (wasRunning) {
      for (const c of [...this.conns].reverse()) {
        try {
          await c.stop();
        } catch (err) {
          this.log.error({ err, connection: c.id }, 'connection did not stop cleanly');
        }
      }
    }
    await this.close();
    this.log.info('gateway stopped');
  }

  private async close(): Promise<void> {
    for (const { name, fn } of this.closers.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        this.log.error({ err, plugin: name }, 'plug-in did not close cleanly');
      }
    }
  }
}
