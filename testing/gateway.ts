// A real gateway around the plug-in under test, in this process: the real SQLite store in a temp data dir,
// the config checked as nowsms.config.ts is, the event log recorded so a test waits for what happens.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addUser,
  definePlugin,
  type Accepted,
  type ConnectionStatus,
  type LogLevel,
  type MessageStatus,
  type MessageSummary,
  type NewMessage,
  type NowsmsConfig,
  type NowsmsPlugin,
  type ResolvedConfig,
  type StatusChange,
  type StoredUser,
  type Stores,
  type UserFields,
} from 'nowsms';
import { sqliteStore } from 'nowsms/plugins/store-sqlite';
// Not part of `nowsms`: starting a gateway is the command's job, and this kit's.
import { resolveConfig } from '../core/config.ts';
import { Gateway } from '../core/gateway.ts';
import { createLogger, silentLogger } from '../core/log.ts';
import { EventRecorder, type ChangeMatch, type WaitOptions } from './events.ts';

export interface TestGatewayOptions {
  /** The plug-ins under test, and what they need (a `scriptedConnection()`, the built-in SMTP server, ...). */
  plugins?: NowsmsPlugin[];
  /** Users, as in nowsms.config.ts (`smtpLogin` defaults to true here). */
  users?: NowsmsConfig['users'];
  /**
   * Other config keys, merged over the kit's defaults: `security.authFailureDelayMs` 20 and `retry` of 5
   * attempts 0.1 s apart (the gateway's own defaults are 1 s, and 20 attempts from 30 s apart).
   */
  config?: Omit<NowsmsConfig, 'plugins' | 'users' | 'dataDir'>;
  /** Use this data dir (a restart test): `stop()` leaves it. Default: a new temp dir that `stop()` removes. */
  dataDir?: string;
  /** Add the SQLite store (default true); false when the plug-in under test is a store. */
  store?: boolean;
  /** The gateway's log level (default `silent`; the environment's NOWSMS_TEST_LOG, such as `debug`, wins). */
  log?: LogLevel;
}

export interface TestGateway {
  readonly dataDir: string;
  readonly config: ResolvedConfig;
  readonly stores: Stores;
  /** Every change of the event log since the gateway started, in order. */
  readonly events: readonly StatusChange[];
  /** Every connection's status and counters by id, as `nowsms status` shows them. */
  status(): Record<string, ConnectionStatus & { kind: string }>;
  /** The first port a server connection listens on (a plug-in's server started with `port: 0`). */
  port(connectionId: string): number;
  /** Route and commit messages as a connection would (`api.submit`). */
  submit(messages: NewMessage[]): Promise<Accepted[]>;
  /** A text SMS as `nowsms inject` makes it: MO (as if received) unless `direction: 'MT'` (to be sent out). */
  inject(message: { from: string; to: string; text: string; direction?: 'MO' | 'MT'; via?: string; user?: string }): Promise<Accepted>;
  /** A message with its status and history; undefined for an unknown id. */
  message(id: string): Promise<MessageSummary | undefined>;
  /** The first change (since start) of this message to this status (or one of these): it waits on the event log. */
  waitForStatus(messageId: string, status: MessageStatus | MessageStatus[], opts?: WaitOptions): Promise<StatusChange>;
  /** The first change (since start) that matches. */
  waitForEvent(match: ChangeMatch, opts?: WaitOptions): Promise<StatusChange>;
  /** Add a user while the gateway runs (as `nowsms users add`). */
  addUser(name: string, fields: UserFields): Promise<StoredUser>;
  /** Stop the gateway (connections, then plug-ins) and remove the temp data dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Start a gateway around the plug-ins under test; always `stop()` it (in afterEach / t.after). */
export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'nowsms-test-'));
  const recorder = new EventRecorder();
  const recording = definePlugin({ name: 'nowsms-testing', setup: (api) => api.follow(recorder.reactor) });
  const level = (process.env.NOWSMS_TEST_LOG as LogLevel | undefined) || opts.log || 'silent';
  let gateway: Gateway | undefined;
  try {
    const given = opts.config ?? {};
    const config = resolveConfig(
      {
        ...given,
        dataDir,
        security: { authFailureDelayMs: 20, ...given.security },
        retry: { maxAttempts: 5, firstDelaySeconds: 0.1, stepSeconds: 0.1, ...given.retry },
        log: { level },
        users: (opts.users ?? []).map((u) => ({ smtpLogin: true, ...u })),
        plugins: [...(opts.store === false ? [] : [sqliteStore()]), recording, ...(opts.plugins ?? [])],
      },
      dataDir,
    );
    const log = level === 'silent' ? silentLogger() : createLogger({ level, pretty: true });
    gateway = await Gateway.open(config, { log });
    await gateway.start();
  } catch (e) {
    await gateway?.stop();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const gw = gateway;
  let stopped = false;
  return {
    dataDir,
    config: gw.config,
    get stores() {
      return gw.stores;
    },
    events: recorder.changes,
    status: () => gw.status(),
    port(connectionId) {
      const listening = gw.status()[connectionId]?.listening?.[0];
      if (!listening) throw new Error(`connection ${connectionId} does not listen (connections: ${Object.keys(gw.status()).join(', ')})`);
      return Number(listening.slice(listening.lastIndexOf(':') + 1));
    },
    submit: (messages) => gw.submit(messages),
    async inject({ from, to, text, direction = 'MO', via = 'test', user }) {
      const [accepted] = await gw.submit([
        {
          direction,
          kind: 'sms',
          from,
          to,
          via,
          ...(user ? { user } : {}),
          parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8') }],
        },
      ]);
      return accepted!;
    },
    message: (id) => gw.stores.messages.summary(id),
    waitForStatus: (messageId, status, o) => recorder.wait({ messageId, status }, o),
    waitForEvent: (match, o) => recorder.wait(match, o),
    addUser: (name, fields) => addUser(gw.stores.users, gw.auth, gw.config, name, fields),
    async stop() {
      if (stopped) return;
      stopped = true;
      await gw.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
