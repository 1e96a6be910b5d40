// The plug-in contract: the same API for built-in and third-party plug-ins.
import type { ResolvedConfig } from './config.ts';
import { markPlugin } from './instance.ts';
import type { GatewayHooks } from './hooks.ts';
import type { Logger } from './log.ts';
import type { Auth } from './auth.ts';
import type { AdminCommand, StreamSource } from './admin/registry.ts';
import type { Reactor } from './events.ts';
import type { ServiceMap, ServiceName } from './services.ts';
import type { Address, Connection, ConnectionStatus, Stores, StoreLifecycle, NewMessage, Accepted } from './types.ts';

/**
 * The version of the plug-in API this core implements; plug-ins declare the range they support. 2: the
 * `status`, `inMailbox` (was `delivered`) and `enqueued` hooks are driven from the event log and take a
 * StatusChange; stores fill the `events` slot.
 */
export const CORE_API_VERSION = 2;

export interface PluginApi {
  /** Every hook, typed; tap them in setup(). */
  readonly hooks: GatewayHooks;
  readonly log: Logger;
  readonly config: Readonly<ResolvedConfig>;
  /** The stores; usable once every plug-in's setup has run (in connection start(), hook handlers). */
  readonly stores: Stores;
  /** Password and APOP checks, with the failure delay applied. */
  readonly auth: Auth;
  /** Normalise a phone number as the config's numbering rules say. */
  normalizeAddress(address: string): Address;
  /** Register a connection; the gateway starts it after every plug-in is set up. */
  connection(c: Connection): void;
  /** Fill a store slot (store plug-ins). */
  store<K extends keyof Stores>(slot: K, impl: Stores[K]): void;
  /** Run when the gateway stops, after connections stop, in reverse order of registration. */
  onClose(fn: () => Promise<void> | void): void;
  /** Route and commit messages (as ConnectionContext.submit). */
  submit(messages: NewMessage[]): Promise<Accepted[]>;
  /** Add an admin command, answered as `<plug-in name>.<command.name>` (setup only; see core/README.md). */
  adminCommand(command: AdminCommand): void;
  /** Add an admin stream topic, subscribed to as `<plug-in name>.<source.topic>` (setup only). */
  adminTopic(source: StreamSource): void;
  /**
   * Follow the event log from start to stop: `reactor.handle` gets every change in order, whichever process
   * committed it. `durable: true` keeps a cursor in the store (see core/README.md). Call it in setup().
   */
  follow(reactor: Reactor): void;
  /** Offer a service named in this plug-in's `provides` (core/services.ts). */
  provide<K extends ServiceName>(name: K, impl: ServiceMap[K]): void;
  /** The one provider of a service named in `needs` (an error when several plug-ins provide it: use services). */
  service<K extends ServiceName>(name: K): ServiceMap[K];
  /** Every provider of a service named in `needs`, in setup order (one per modem for `modem-sms`). */
  services<K extends ServiceName>(name: K): ServiceMap[K][];
  /** The ids of the connections registered (of this kind), in registration order; complete once every setup has run. */
  connectionIds(kind?: string): string[];
  /** Every connection's status and counters by id, as `nowsms status` shows them (a status page, a health check); `outbound`: it sends. */
  connectionStatus(): Record<string, ConnectionStatus & { kind: string; outbound: boolean }>;
}

export interface NowsmsPlugin {
  name: string;
  /** Names of plug-ins that must be set up before this one. */
  dependencies?: string[];
  /** Services this plug-in offers with api.provide in setup (core/services.ts). */
  provides?: ServiceName[];
  /** Services this plug-in uses: checked at boot, their providers are set up first. */
  needs?: ServiceName[];
  /** Core API versions this plug-in works with (default: this core's, CORE_API_VERSION). */
  coreApi?: number[];
  setup(api: PluginApi): void | Promise<void>;
}

/** Exists for type inference; returns its argument (Rollup's habit), marked with the core it was made with. */
export function definePlugin<P extends NowsmsPlugin>(plugin: P): P {
  markPlugin(plugin);
  return plugin;
}

export type { StoreLifecycle };
