// The plug-in's options, validated at boot so a typo names its field (plugins.smpp-server.<field>).
import { z } from 'zod';
import { serverOptionsShape } from 'nowsms';

const seconds = z.number().positive();

export const optionsSchema = z.strictObject({
  // port (default 2775), host, tls (false turns TLS off here), tlsPort (SMPP over TLS, conventionally
  // 3550), maxSessions, maxSessionsPerIp, loginTimeoutSeconds (a connection must bind within it): the
  // same keys as every server (core/serve.ts).
  ...serverOptionsShape({ port: 2775, maxSessions: 100 }),
  /** The server's own system_id, sent in bind responses (SMPP 3.4 allows 15 characters). */
  systemId: z.string().min(1).max(15).default('nowsms'),
  /** submit_sm per second per user, across all the user's sessions; over it, submit_sm_resp 0x58 (throttled). */
  throughput: z.number().positive().optional(),
  /** Per-user overrides of `throughput`, by user name. */
  userThroughput: z.record(z.string(), z.number().positive()).default({}),
  /** After this much silence from a bound client, the server sends enquire_link. */
  enquireLinkSeconds: seconds.default(30),
  /** With nothing at all from the client for this long (enquire_link unanswered included), the session is closed. */
  idleTimeoutSeconds: seconds.default(90),
  /** A deliver_sm unanswered this long counts as failed and is tried again later. */
  responseTimeoutSeconds: seconds.default(30),
  /** deliver_sm in flight per session. */
  window: z.number().int().min(1).max(1000).default(10),
  /** How long to wait before offering a message again after the client refused it or did not answer. */
  redeliverSeconds: z.number().min(0).default(10),
  /** Long messages to a bound client: UDH concatenation (8- or 16-bit reference), SAR TLVs, or one message_payload. */
  longMessages: z.enum(['udh', 'udh16', 'sar', 'payload']).default('udh'),
  /** Segments of a long submit still incomplete after this long are committed as they are, marked incomplete. */
  segmentTimeoutSeconds: seconds.default(600),
  /** Requests of one session being processed at once; beyond it the server stops reading that socket. */
  maxPending: z.number().int().min(1).default(200),
  /** Malformed or unknown PDUs before the session is closed. */
  maxBadPdus: z.number().int().min(1).default(10),
});

export type SmppServerOptions = z.input<typeof optionsSchema>;
export type ResolvedSmppServerOptions = z.output<typeof optionsSchema>;
