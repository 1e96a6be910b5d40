// What the MM1 transactions share: the options, the HTTP request over the data link, the connection's
// context (to submit and report), counters.
import type { ConnectionContext, Logger } from 'nowsms';
import type { ResolvedGprsMmsOptions } from '../options.ts';
import type { Mm1Answer } from './http.ts';

export interface Mm1Counters {
  retrieved: number;
  retrieveFailed: number;
  /** MMS the MMSC took (m-send-conf Ok); not `sent`, which the dispatcher's counter of finished queue entries is. */
  mmsSent: number;
  sendFailed: number;
  reports: number;
  ignored: number;
}

export interface Mm1Deps {
  opts: ResolvedGprsMmsOptions;
  /** The connection id. */
  id: string;
  mmscUrl: URL;
  /** An MM1 request over the data link (up first), from its local address, through the proxy. */
  request(req: { method: 'GET' | 'POST'; url: URL; body?: Buffer }, signal: AbortSignal): Promise<Mm1Answer>;
  ctx(): ConnectionContext;
  log: Logger;
  counters: Mm1Counters;
}
