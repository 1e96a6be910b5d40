// The admin protocol, shared by the gateway (server), the CLI and the terminal UI (clients): one JSON object
// per line over the Unix socket `<dataDir>/admin.sock`. docs/admin.md describes it for other tools.
// Request schemas are zod (the server validates with them, errors name the field); results are plain
// JSON types (dates as ISO strings), exactly what a client reads off the wire.
import { z } from 'zod';
import { rightsSchema } from '../auth.ts';
import type { Accepted, ConnectionState, Direction, MessageKind, MessageStatus, PartSummary, RouteTarget, User } from '../types.ts';

/** Bumped on a change an existing client would misread; additions (commands, fields) keep the number. */
export const ADMIN_PROTOCOL_VERSION = 1;

/** A request line: `{"v":1,"id":7,"command":"queue.list","connection":"smsc1"}`. */
export interface AdminRequest {
  /** The protocol version the client speaks; omitted means the current one. */
  v?: number;
  /** Echoed in the reply, so a client may send several requests without waiting. */
  id?: string | number;
  command: string;
  /** Who asks: the client's Unix login name (the CLI and the TUI send it), logged with every action. */
  actor?: string;
  [param: string]: unknown;
}

export interface AdminErrorBody {
  /** A stable `NOWSMS_ERR_...` code. */
  code: string;
  message: string;
  /** For NOWSMS_ERR_BAD_REQUEST: the request field at fault (`connection`, `dailyLimit`). */
  field?: string;
}

export type AdminReply<R = unknown> = { id?: string | number; ok: true; result: R } | { id?: string | number; ok: false; error: AdminErrorBody };

/** After a `subscribe` reply, the connection carries only these lines. */
export type AdminEventLine =
  | { topic: string; event: unknown }
  /** The client read too slowly: `dropped` events of this topic were left out here. Resubscribe from a cursor to fill the gap. */
  | { topic: string; lagged: { dropped: number } };

const connectionId = z.string().min(1);
const messageId = z.string().min(1);
const nonNegative = z.number().int().min(0);

/** The fields a user can be given (`users add` / `users set`); see core/users.ts. */
export const userFieldsSchema = z.strictObject({
  password: z.string().min(1).optional(),
  passwordHash: z.string().startsWith('scrypt$').optional(),
  fullName: z.string().optional(),
  smtpLogin: z.boolean().optional(),
  smppLogin: z.boolean().optional(),
  httpLogin: z.boolean().optional(),
  httpAdmin: z.boolean().optional(),
  rights: rightsSchema.optional(),
  receive: z.boolean().optional(),
  recipients: z.array(z.string()).optional(),
  forcedSender: z.string().optional(),
  dailyLimit: nonNegative.optional(),
  monthlyLimit: nonNegative.optional(),
  credits: nonNegative.optional(),
  allowIps: z.array(z.string()).optional(),
});

/**
 * The request schema of every core command. Parameters sit beside `command` in the request line; `v`, `id`
 * and `command` are the envelope's, so a message is named by `message` (its id), a connection by `connection`.
 */
export const coreRequests = {
  hello: z.strictObject({}),
  status: z.strictObject({}),
  subscribe: z.strictObject({
    topics: z.array(z.string().min(1)).min(1),
    /** Per topic, where to start (a topic with a cursor, such as `messages`); absent: from now. */
    from: z.record(z.string(), z.unknown()).optional(),
  }),
  'users.list': z.strictObject({}),
  'users.add': userFieldsSchema.extend({ name: z.string().min(1) }),
  'users.set': userFieldsSchema.extend({ name: z.string().min(1) }),
  'users.remove': z.strictObject({ name: z.string().min(1) }),
  inject: z.strictObject({
    from: z.string().min(1),
    to: z.string().min(1),
    text: z.string(),
    /** MO (as if received from the network; the default) or MT (to be sent out by a connection). */
    direction: z.enum(['MO', 'MT']).default('MO'),
  }),
  'queue.list': z.strictObject({
    /** A connection id, or null for the messages waiting with no route. */
    connection: connectionId.nullable(),
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(500).default(50),
    /** Only the items whose id, from, to, status, user or last error contains this text (case-insensitive). */
    filter: z.string().min(1).optional(),
  }),
  'messages.retry': z.strictObject({ message: messageId }),
  'messages.delete': z.strictObject({ message: messageId }),
  'messages.requeue': z.strictObject({ message: messageId }),
  'messages.move': z.strictObject({ message: messageId, connection: connectionId }),
  'messages.list': z.strictObject({
    user: z.string().min(1).optional(),
    direction: z.enum(['MO', 'MT']).optional(),
    status: z
      .enum(['received', 'queued', 'no-route', 'retrying', 'sent', 'delivered', 'undeliverable', 'failed', 'in-mailbox', 'retrieved', 'deleted'])
      .optional(),
    /** Only the messages whose sender or recipient contains this text (`+44`). */
    number: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  'messages.get': z.strictObject({ message: messageId }),
} as const;

export interface ConnectionView {
  id: string;
  kind: string;
  state: ConnectionState;
  detail?: string;
  listening?: string[];
  /** The connection's own counters and, for outbound connections, the dispatcher's (sent, retried, failed, throttled). */
  counters: Record<string, number>;
  /** It has an outbound queue (it can send). */
  outbound: boolean;
  /** The options it was configured with, secrets hidden ("(set)"), when the plug-in gives them. */
  options?: Record<string, unknown>;
}

export interface SubscriberView {
  topics: string[];
  /** Bytes written to the socket that the client has not read yet. */
  buffered: number;
  /** Events left out because the client read too slowly. */
  dropped: number;
}

export interface HelloResult {
  protocol: number;
  pid: number;
  commands: { name: string; description: string }[];
  topics: { name: string; description: string }[];
}

export interface StatusResult {
  pid: number;
  protocol: number;
  connections: Record<string, ConnectionView>;
  queues: Record<string, { queued: number; retrying: number }>;
  /** Ids of the connections that can send: empty means every MT message waits as no-route. */
  outbound: string[];
  /** MT messages waiting with no route. */
  noRoute: number;
  admin: { subscribers: SubscriberView[] };
  /** This gateway's node id (config `nodeId`). */
  node: string;
  /** The live nodes on this database (their heartbeats), with the connections each holds. */
  nodes: { id: string; connections: string[] }[];
}

export type PublicUser = User & { apop: boolean };

/** A user's login rights by name, as the CLI's and the TUI's user listings show them. */
export function loginNames(u: User): string[] {
  return [u.smtpLogin && 'smtp', u.smppLogin && 'smpp', u.httpLogin && 'http', u.httpAdmin && 'admin', ...(u.rights ?? [])].filter(
    (n) => typeof n === 'string',
  );
}

export interface QueueItemView {
  id: string;
  connection: string | null;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  sending: boolean;
  direction: Direction;
  kind: MessageKind;
  from: string;
  to: string;
  user?: string;
  receivedAt: string;
}

export interface QueuePage {
  connection: string | null;
  page: number;
  pageSize: number;
  total: number;
  items: QueueItemView[];
}

/** What an operator action did to a message. */
export interface MessageActionResult {
  id: string;
  status: MessageStatus;
  /** The connection whose queue it is on now (retry, requeue, move). */
  connection?: string;
}

/** A message with its parts and whole status history, as `messages.list` and `messages.get` answer. */
export interface MessageView {
  id: string;
  direction: Direction;
  kind: MessageKind;
  from: string;
  to: string;
  user?: string;
  via?: string;
  subject?: string;
  receivedAt: string;
  status: MessageStatus;
  /** Where it was routed: a user's mailbox, a connection's queue, a command. */
  target?: RouteTarget;
  parts: PartSummary[];
  history: { at: string; status: MessageStatus; detail?: string }[];
}

/** An event of the `log` topic: one line the gateway logged. */
export interface LogLineEvent {
  /** Grows by one per line this gateway process logged: a cursor for `from`. */
  seq: number;
  time: string;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  /** The line's other fields (connection, err, ...). */
  fields: Record<string, unknown>;
}

/** Every core command: its request (what a client sends) and its result (what it reads back). */
export interface AdminCommands {
  hello: { request: z.input<(typeof coreRequests)['hello']>; result: HelloResult };
  status: { request: z.input<(typeof coreRequests)['status']>; result: StatusResult };
  subscribe: { request: z.input<(typeof coreRequests)['subscribe']>; result: { protocol: number; topics: string[] } };
  'users.list': { request: z.input<(typeof coreRequests)['users.list']>; result: PublicUser[] };
  'users.add': { request: z.input<(typeof coreRequests)['users.add']>; result: PublicUser };
  'users.set': { request: z.input<(typeof coreRequests)['users.set']>; result: PublicUser };
  'users.remove': { request: z.input<(typeof coreRequests)['users.remove']>; result: { removed: string } };
  inject: { request: z.input<(typeof coreRequests)['inject']>; result: Accepted };
  'queue.list': { request: z.input<(typeof coreRequests)['queue.list']>; result: QueuePage };
  'messages.retry': { request: z.input<(typeof coreRequests)['messages.retry']>; result: MessageActionResult };
  'messages.delete': { request: z.input<(typeof coreRequests)['messages.delete']>; result: MessageActionResult };
  'messages.requeue': { request: z.input<(typeof coreRequests)['messages.requeue']>; result: MessageActionResult };
  'messages.move': { request: z.input<(typeof coreRequests)['messages.move']>; result: MessageActionResult };
  'messages.list': { request: z.input<(typeof coreRequests)['messages.list']>; result: MessageView[] };
  'messages.get': { request: z.input<(typeof coreRequests)['messages.get']>; result: MessageView };
}

export type AdminCommandName = keyof AdminCommands;

/** An event of the `connections` topic: one connection's view, sent at subscribe and whenever it changed. */
export type ConnectionsEvent = ConnectionView;
