// What the server's parts need from the gateway. index.ts builds it from the PluginApi.
import type { Accepted, Auth, Logger, NewMessage, ResolvedConfig, Stores } from 'nowsms';
import type { ResolvedSmppServerOptions } from './options.ts';

/** The connection id, the `via` of every message the server takes in, and the first part of its segment keys. */
export const CONNECTION_ID = 'smpp-server';

export interface ServerCounters {
  /** Connections accepted since start. */
  sessions: number;
  /** Connections open now. */
  active: number;
  /** Sessions bound now. */
  bound: number;
  binds: number;
  bindFailures: number;
  /** submit_sm answered OK (a segment of a long message counts once). */
  submitted: number;
  /** submit_sm refused (validation, store, limits). */
  rejected: number;
  /** submit_sm answered 0x58. */
  throttled: number;
  /** Messages handed to a client and acknowledged (deliver_sm_resp OK for every segment). */
  delivered: number;
  /** deliver_sm refused by the client or unanswered. */
  deliverFailures: number;
  /** Receipts committed for users' submits. */
  receipts: number;
  /** Malformed or unknown PDUs (answered with generic_nack). */
  badPdus: number;
  /** Connections refused at the door (maxSessions, maxSessionsPerIp). */
  refused: number;
}

export function newCounters(): ServerCounters {
  return {
    sessions: 0,
    active: 0,
    bound: 0,
    binds: 0,
    bindFailures: 0,
    submitted: 0,
    rejected: 0,
    throttled: 0,
    delivered: 0,
    deliverFailures: 0,
    receipts: 0,
    badPdus: 0,
    refused: 0,
  };
}

export interface ServerContext {
  opts: ResolvedSmppServerOptions;
  config: Pick<ResolvedConfig, 'sms' | 'numbering' | 'nodeId' | 'holderLeaseSeconds'>;
  auth: Pick<Auth, 'loginVerdict'>;
  stores: Stores;
  submit(messages: NewMessage[]): Promise<Accepted[]>;
  normalizeAddress(address: string): string;
  log: Logger;
  counters: ServerCounters;
  /** Failed binds on one connection before it is closed (security.authFailuresPerSession). */
  authFailuresPerSession: number;
}
