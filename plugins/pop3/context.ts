// What a POP3 session needs from the gateway. index.ts builds it from the PluginApi; tests build it by hand.
import type { Auth } from 'nowsms';
import type { MailboxLocks } from './locks.ts';
import type { MaildropDeps } from './maildrop.ts';

export interface Pop3Counters {
  /** Sessions opened since start. */
  sessions: number;
  /** Sessions open now. */
  active: number;
  logins: number;
  loginFailures: number;
  /** RETR answered. */
  retrieved: number;
  /** Messages removed at QUIT. */
  deleted: number;
  /** Connections refused at the door (maxSessions, maxSessionsPerIp). */
  refused: number;
}

export interface Pop3Context extends MaildropDeps {
  auth: Pick<Auth, 'login' | 'apop' | 'apopEnabled'>;
  locks: MailboxLocks;
  counters: Pop3Counters;
  /** The host part of the APOP timestamp. */
  hostname: string;
  /** Whether STLS can be offered (a certificate is loaded). */
  tlsAvailable: boolean;
  /** Refuse USER, PASS and APOP until the session runs over TLS. */
  requireTLS?: boolean;
  /** Failed logins in one session before it is closed (security.authFailuresPerSession). */
  authFailuresPerSession?: number;
}

export function newCounters(): Pop3Counters {
  return { sessions: 0, active: 0, logins: 0, loginFailures: 0, retrieved: 0, deleted: 0, refused: 0 };
}
