// Boot: check plug-in metadata, run their setup in dependency order, then start connections and
// dispatchers. `open()` without `start()` is what the CLI uses: stores and submit, no servers.
import { mkdir } from 'node:fs/promises';
import { normalizeAddress } from './address.ts';
import { coreCommands, connectionViews } from './admin/commands.ts';
import { connectionsTopic } from './admin/connections-topic.ts';
import { messagesTopic } from './admin/messages-topic.ts';
import type { SubscriberView } from './admin/protocol.ts';
import { AdminRegistry } from './admin/registry.ts';
import { adminSocketPath, listenAdmin, type AdminServer } from './admin/server.ts';
import { checkSecretKey, createAuth, type Auth } from './auth.ts';
import type { ResolvedConfig } from './config.ts';
import { Dispatcher } from './dispatcher.ts';
import { Follower, type Reactor } from './events.ts';
import { isNowsmsError, NowsmsError } from './errors.ts';
import { createHooks, freezeHooks, type GatewayHooks } from './hooks.ts';
import { Holders, type Holdable } from './holders.ts';
import { newLeaseHolder, retireLeaseHolder } from './lease-holder.ts';
import { assertOneCore, CORE_COPY } from './instance.ts';
import { createLogger, type Logger } from './log.ts';
import { logTail } from './log-tail.ts';
import { NoRouteNotice } from './no-route-notice.ts';
import { hooksReactor } from './log-hooks.ts';
import { submit, type PipelineDeps } from './pipeline.ts';
import { CORE_API_VERSION, type NowsmsPlugin, type PluginApi } from './plugin.ts';
import { chooseConnection, userRoutes } from './routing.ts';
import { ServiceRegistry, serviceDependencies } from './services.ts';
import { applyConfigUsers } from './users.ts';
import type { Accepted, Connection, ConnectionContext, ConnectionStatus, DeliveryReport, MessageStatus, NewMessage, Stores } from './types.ts';

const STORE_SLOTS = ['users', 'messages', 'queues', 'mailboxes', 'segments', 'events', 'leases'] as const;

/** Dependencies first; a missing dependency or a cycle is a coded error naming the plug-in. */
export function orderPlugins(plugins: NowsmsPlugin[]): NowsmsPlugin[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const needs = serviceDependencies(plugins);
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: NowsmsPlugin[] = [];
  const visit = (p: NowsmsPlugin) => {
    if (done.has(p.name)) return;
    if (visiting.has(p.name)) throw new NowsmsError('NOWSMS_ERR_PLUGIN', `plug-in ${p.name} depends on itself through its dependencies`);
    visiting.add(p.name);
    for (const d of [...(p.dependencies ?? []), ...(needs.get(p.name) ?? [])]) {
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
  /** The admin commands and stream topics (core's and plug-ins'); see core/admin/. */
  readonly admin = new AdminRegistry();
  private adminServer: AdminServer | undefined;
  private readonly storeSlots: Partial<Stores> = {};
  private readonly conns: Connection[] = [];
  private readonly closers: { name: string; fn: () => Promise<void> | void }[] = [];
  private readonly dispatchers = new Map<string, Dispatcher>();
  private holders: Holders | undefined;
  /** This process's name in the store's leases, while it runs (core/lease-holder.ts). */
  private leaseHolder: string | undefined;
  private readonly reactors: Reactor[] = [];
  private follower: Follower | undefined;
  private readonly noRouteNotice: NoRouteNotice;
  /** Subscribers of the admin `messages` topic, woken for each batch of changes. */
  private readonly logWatchers = new Set<() => void>();
  private readonly services = new ServiceRegistry();
  private state: 'new' | 'open' | 'running' | 'stopped' = 'new';

  private constructor(
    readonly config: ResolvedConfig,
    log: Logger,
  ) {
    this.log = log;
    this.hooks = createHooks(log);
    this.noRouteNotice = new NoRouteNotice(log);
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
    for (const c of coreCommands(this)) this.admin.addCommand(c);
    this.admin.addTopic(connectionsTopic(() => connectionViews(this)));
    this.admin.addTopic(logTail.topic());
    // The event log, streamed: read from the store, woken by the follower (which also sees other processes' commits).
    this.admin.addTopic(
      messagesTopic({
        changesSince: (cursor, limit) => this.stores.events.changesSince(cursor, limit),
        latest: () => this.stores.events.newestSeq(),
        onChange: (wake) => {
          this.logWatchers.add(wake);
          return () => this.logWatchers.delete(wake);
        },
      }),
    );
  }

  /** Set up every plug-in and open the stores. Config users are applied. */
  static async open(config: ResolvedConfig, opts: { log?: Logger } = {}): Promise<Gateway> {
    const log = opts.log ?? createLogger({ level: config.log.level, ...(config.log.pretty === undefined ? {} : { pretty: config.log.pretty }) });
    assertOneCore(config.plugins);
    const gw = new Gateway(config, log);
    try {
      for (const plugin of orderPlugins([userRoutes(), ...config.plugins])) {
        await plugin.setup(gw.apiFor(plugin));
        gw.services.checkProvided(plugin);
      }
      const missing = STORE_SLOTS.filter((s) => !gw.storeSlots[s]);
      if (missing.length) throw new NowsmsError('NOWSMS_ERR_NO_STORE', `no store for ${missing.join(', ')}: add sqliteStore() to plugins in nowsms.config.ts`);
      if (config.security.apop) checkSecretKey(await gw.stores.users.list(), config.dataDir);
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
      adminCommand: (command) => this.admin.addCommand({ ...command, name: `${plugin.name}.${command.name}` } as never, `plug-in ${plugin.name}`),
      adminTopic: (source) => this.admin.addTopic({ ...source, topic: `${plugin.name}.${source.topic}` } as never, `plug-in ${plugin.name}`),
      follow: (reactor) => {
        if (this.state !== 'new') throw new NowsmsError('NOWSMS_ERR_FROZEN', `plug-in ${plugin.name} followed the event log (${reactor.name}) after setup`);
        if (this.reactors.some((r) => r.name === reactor.name))
          throw new NowsmsError(
            'NOWSMS_ERR_PLUGIN',
            `two reactors are named ${reactor.name}: reactor names must be unique (a durable one's cursor is saved under it)`,
          );
        this.reactors.push(reactor);
      },
      provide: (name, impl) => this.services.provide(plugin, name, impl),
      service: (name) => this.services.one(plugin, name) as never,
      services: (name) => this.services.all(plugin, name) as never,
      connectionIds: (kind) => this.conns.filter((c) => kind === undefined || c.kind === kind).map((c) => c.id),
      connectionStatus: () => {
        const s = this.status();
        return Object.fromEntries(this.conns.map((c) => [c.id, { ...s[c.id]!, outbound: typeof c.send === 'function' }]));
      },
    };
  }

  private pipelineDeps(): PipelineDeps {
    return {
      hooks: this.hooks,
      stores: this.stores,
      config: this.config,
      log: this.log,
      connections: () => this.conns,
      kick: (id) => this.kick(id),
      // Messages for a connection this process runs go to its dispatcher in memory when it has room.
      claim: (id, messageIds) => this.dispatchers.get(id)?.claim(messageIds),
      noRoute: (m, reason) => this.noRouteNotice.note(m, reason),
    };
  }

  /** Route and commit; resolves once durable. */
  submit(messages: NewMessage[]): Promise<Accepted[]> {
    return submit(this.pipelineDeps(), messages);
  }

  /** Apply a delivery report; unmatched reports are kept by the store and logged here. */
  async report(r: DeliveryReport): Promise<{ messageId: string; status: MessageStatus } | undefined> {
    const applied = await this.stores.messages.recordReport(r);
    if (!applied) this.log.warn({ connection: r.connectionId, remoteId: r.remoteId, outcome: r.outcome }, 'delivery report matches no sent message; kept');
    else
      this.log.info({ id: applied.messageId, connection: r.connectionId, remoteId: r.remoteId, outcome: r.outcome, status: applied.status }, 'delivery report');
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
    this.admin.freeze();
    this.state = 'running';
    // First: it is also the lock that keeps a second gateway off this data directory. The directory may not
    // exist yet when the store lives elsewhere (a shared SQLite file, PostgreSQL).
    try {
      await mkdir(this.config.dataDir, { recursive: true, mode: 0o700 });
      const server = await listenAdmin(adminSocketPath(this.config.dataDir), this.admin, this.log);
      this.adminServer = server;
      this.closers.unshift({ name: 'core:admin', fn: () => server.close() });
    } catch (e) {
      if (isNowsmsError(e)) {
        await this.stop();
        throw e;
      }
      // A socket path too long for the OS, say: the gateway still works, `nowsms status` does not.
      this.log.warn({ err: e }, 'admin interface unavailable');
    }

    // No blanket releaseLeases() here: another node on the same database may be sending. Each outbound
    // connection's leased entries are handed back when this node takes the connection (core/holders.ts).
    // Placed before the connections start, so that nothing they commit meanwhile is missed; run after.
    const follower = new Follower(this.stores.events, this.log.child({ component: 'events' }));
    follower.add(hooksReactor(this.hooks, (id, messageId) => this.dispatchers.get(id)?.queued(messageId)));
    follower.add({
      name: 'core:admin-messages',
      handle: () => {
        for (const wake of this.logWatchers) wake();
      },
    });
    for (const r of this.reactors) follower.add(r);
    try {
      await follower.place();
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.follower = follower;
    const ctx = (c: Connection): ConnectionContext => ({
      log: this.log.child({ connection: c.id }),
      stores: this.stores,
      submit: (m) => this.submit(m),
      kick: (id) => this.kick(id ?? c.id),
      report: (r) => this.report({ ...r, connectionId: r.connectionId ?? c.id }),
    });
    // Outbound connections have one holder among the nodes on the database: started while this node holds them.
    const holdable = (c: Connection): Holdable => ({
      id: c.id,
      start: async () => {
        await c.start(ctx(c));
        const d = new Dispatcher(c, { stores: this.stores, hooks: this.hooks, config: this.config, log: this.log.child({ connection: c.id }) });
        this.dispatchers.set(c.id, d);
        d.start();
      },
      stop: async () => {
        const d = this.dispatchers.get(c.id);
        this.dispatchers.delete(c.id);
        await d?.stop();
        await c.stop();
      },
    });
    this.holders = new Holders(
      {
        leases: this.stores.leases,
        queues: this.stores.queues,
        node: this.config.nodeId,
        holder: (this.leaseHolder = newLeaseHolder()),
        ttlMs: this.config.holderLeaseSeconds * 1000,
        log: this.log.child({ component: 'holders' }),
      },
      this.conns.filter((c) => c.send).map(holdable),
    );
    try {
      for (const c of this.conns) if (!c.send) await c.start(ctx(c));
      await this.holders.start();
    } catch (e) {
      await this.stop();
      throw e;
    }
    follower.start();
    await this.routeWaiting();
    if (!this.conns.some((c) => c.send))
      this.log.warn(
        'no outbound connection: an SMS to a number no user receives waits as no-route until one is configured (an SMSC: NOWSMS_SMSC_URL or smppClient(); a modem: NOWSMS_MODEM or gsmModem())',
      );

    // `core`: which gateway runs (the built dist/ or the sources), for an operator reading the log.
    this.log.info({ core: CORE_COPY.url, connections: this.status() }, 'gateway started');
  }

  adminSubscribers(): SubscriberView[] {
    return this.adminServer?.subscribers() ?? [];
  }

  status(): Record<string, ConnectionStatus & { kind: string }> {
    const out: Record<string, ConnectionStatus & { kind: string }> = {};
    for (const c of this.conns) {
      if (c.send && this.state === 'running' && this.holders && !this.holders.holds(c.id)) {
        out[c.id] = { state: 'standby', detail: 'another node holds it', counters: {}, kind: c.kind };
        continue;
      }
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
    // Reactors first: their handlers may still use the connections; their cursors are saved here.
    await this.follower?.stop();
    await Promise.all([...this.dispatchers.values()].map((d) => d.stop()));
    // The outbound connections this node holds, their holds handed back so that another node takes over at once.
    await this.holders?.stop();
    if (this.leaseHolder) retireLeaseHolder(this.leaseHolder);
    if (wasRunning) {
      for (const c of [...this.conns].reverse()) {
        if (c.send && this.holders) continue;
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
