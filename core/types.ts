// The message model, the store interfaces and the connection contract: everything a plug-in author types against.

/** A phone number in E.164 form (`+15550001111`), a short code (`12345`) or an alphanumeric sender (`ACME`). */
export type Address = string;

/** MO: mobile-originated (received from the network). MT: mobile-terminated (to be sent to a phone). */
export type Direction = 'MO' | 'MT';
export type MessageKind = 'sms' | 'mms';

/** One content-typed piece of a message: the text of an SMS, or one part of an MMS. */
export interface Part {
  contentType: string; // e.g. 'text/plain; charset=utf-8', 'image/jpeg'
  name?: string; // file name, for MMS parts and e-mail attachments
  contentId?: string;
  data: Buffer;
}

/** A message as the gateway keeps it. One message has one recipient: a mail to three numbers is three messages. */
export interface Message {
  id: string;
  direction: Direction;
  kind: MessageKind;
  from: Address;
  to: Address;
  subject?: string;
  parts: Part[];
  /** The user who submitted it (SMTP, SMPP login), if any. */
  user?: string;
  /** The connection it came in on (`smtp`, a modem id, an SMSC id, `cli`). */
  via?: string;
  receivedAt: Date;
  /** Free-form facts plug-ins attach (encoding, segment count, the SMTP envelope, ...). Must be JSON-serialisable. */
  meta: Record<string, unknown>;
}

/** What a plug-in hands to `submit`: the gateway assigns id and receivedAt. */
export type NewMessage = Omit<Message, 'id' | 'receivedAt' | 'meta'> & {
  receivedAt?: Date;
  meta?: Record<string, unknown>;
  /** Assembled from these stored segments (see core/reassembly.ts): they go when the message is committed. */
  consumesSegments?: string;
  /**
   * Deliver to this user's mailbox, before any route hook: a connection's "route to local user" setting
   * (everything a given modem, GPRS modem or MMSC link receives goes to one user).
   */
  routeTo?: string;
  /**
   * MT only: send over this connection when it is an outbound one that carries the message, before the
   * `route` hook (a 2-way command's reply goes back over the connection its MO came in on). Otherwise the
   * message is routed as if it were absent.
   */
  routeVia?: string;
  /**
   * The same key twice is one message: a submission whose key the store already holds commits nothing
   * and is answered with the id stored the first time. For what a source may hand over again after a
   * crash (a modem's SMS read again because the gateway died between its commit and AT+CMGD).
   */
  idempotencyKey?: string;
  /** An MT to send no earlier than this (NowSMS's DelayUntil): it waits in its connection's queue until then. */
  delayUntil?: Date;
};

/** Where the router sends a message. */
export type RouteTarget =
  | { kind: 'mailbox'; user: string }
  | { kind: 'connection'; id: string }
  | { kind: 'command'; id: string }
  | { kind: 'reject'; temporary: boolean; reason: string };

/** A message's life, as the status history records it. */
export type MessageStatus =
  | 'received' // committed, not yet routed anywhere
  | 'queued' // waiting in a connection's outbound queue
  | 'no-route' // MT with no connection that carries it: waits, visible, never dropped
  | 'retrying' // a send failed temporarily; will be tried again
  | 'sent' // accepted by the next hop
  | 'delivered' // a delivery report said so
  | 'undeliverable' // a delivery report said it failed
  | 'failed' // permanent failure, or out of attempts
  | 'in-mailbox' // waiting in a user's mailbox
  | 'retrieved' // fetched and deleted by the user (POP3 DELE + QUIT)
  | 'deleted'; // removed by an operator

export interface StatusEvent {
  at: Date;
  status: MessageStatus;
  detail?: string;
}

/** A part as a listing shows it: what it is and how big, not its bytes. */
export interface PartSummary {
  contentType: string;
  name?: string;
  contentId?: string;
  /** Bytes. */
  size: number;
}

export interface MessageSummary {
  id: string;
  direction: Direction;
  kind: MessageKind;
  from: Address;
  to: Address;
  user?: string;
  via?: string;
  subject?: string;
  receivedAt: Date;
  status: MessageStatus;
  target?: RouteTarget;
  /** The message's parts in order (an SMS has one text part; an MMS its text, media and SMIL). */
  parts: PartSummary[];
  history: StatusEvent[];
}

/** An "SMS Users" account. */
export interface User {
  name: string;
  fullName?: string;
  /** Needed for both SMTP and POP3 (the seed says so). */
  smtpLogin: boolean;
  smppLogin: boolean;
  /** May send through the HTTP interface (NowSMS's "Enable web login"); absent means no. */
  httpLogin?: boolean;
  /** May read /admin/xmlstatus and provision users over HTTP (NowSMS's "Enable admin access"); absent means no. */
  httpAdmin?: boolean;
  /** Login rights to plug-ins' services (see LoginRights), by service name; absent means none. */
  rights?: string[];
  /** "Route received messages to this user": messages to `recipients` are queued for this user. */
  receive: boolean;
  /** Phone numbers routed to this user, normalised. */
  recipients: Address[];
  forcedSender?: Address;
  dailyLimit?: number;
  monthlyLimit?: number;
  /** Remaining message credits; undefined means unlimited. One credit per message. */
  credits?: number;
  /** IPs or CIDR blocks allowed to log in; empty means any. */
  allowIps: string[];
  /** Where the account was declared; see core/users.ts for how config and CLI edits meet. */
  source: 'config' | 'cli';
}

/** How a user's password is kept: never in plain text. */
export interface Credentials {
  /** `scrypt$N$r$p$salt$hash`, all base64. */
  passwordHash: string;
  /** The APOP shared secret, AES-256-GCM encrypted with the data directory's key; absent when APOP is off. */
  apopSecret?: string;
}

export interface StoredUser extends User {
  credentials: Credentials;
  /** Hash of the config declaration last applied (config-declared users only). */
  configHash?: string;
  /** A config-declared user removed with the CLI stays removed until its declaration changes. */
  removed?: boolean;
}

/** One message in a connection's outbound queue. */
export interface QueueEntry {
  messageId: string;
  connectionId: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  message: Message;
}

/** One entry of an outbound queue as an operator sees it (no parts): `queues.list`, `queues.item`. */
export interface QueueItem {
  messageId: string;
  /** Undefined: an MT message waiting with no route (status `no-route`). */
  connectionId?: string;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  /** A dispatcher holds it right now (leased): it cannot be moved or deleted until the send ends. */
  sending: boolean;
  direction: Direction;
  kind: MessageKind;
  from: Address;
  to: Address;
  user?: string;
  receivedAt: Date;
}

/** One message in a user's mailbox, as POP3 lists it. */
export interface MailboxEntry {
  /** Stable across sessions and restarts (the message id). */
  uid: string;
  messageId: string;
  addedAt: Date;
  /** Size in bytes of the e-mail rendition cached by the POP3 plug-in, when it has made one (fetch it with `rendition`). */
  size?: number;
}

/** What the store must commit atomically for one accepted submission. */
export interface CommitItem {
  message: Message;
  /** The route the pipeline chose; undefined means "no route yet" (MT waiting for a connection). */
  target: Exclude<RouteTarget, { kind: 'reject' }> | undefined;
  /** Segments (SegmentStore key) this message was assembled from: dropped in the same transaction. */
  consumesSegments?: string;
  /** See NewMessage.idempotencyKey. */
  idempotencyKey?: string;
  /** Why an MT has no target (why it waits as `no-route`), for its status history. */
  detail?: string;
  /** See NewMessage.delayUntil: the queue entry's first attempt is due then. */
  delayUntil?: Date;
  /**
   * Store the queue entry leased until then, by this store's node: this process's dispatcher of the
   * connection takes the message from memory once it is committed, instead of leasing and reading it back.
   * Set by core only for a store whose QueueStore says `leasesAtCommit`.
   */
  leasedUntil?: Date;
}

/**
 * One entry of the event log (the status history): something that happened to a message, in commit order.
 * `seq` is the cursor: it only grows, and a change is visible to readers only with every smaller seq.
 */
export interface StatusChange {
  seq: number;
  messageId: string;
  status: MessageStatus;
  detail?: string;
  at: Date;
  /**
   * Where the change put the message or happened: the mailbox for `in-mailbox` and `retrieved`, the
   * connection for `queued`, `sent`, `retrying`, `failed` and delivery reports, the command for a message
   * routed to one (status `received`). Absent for `no-route`, `deleted` and an MO no route claimed.
   */
  target?: Exclude<RouteTarget, { kind: 'reject' }>;
  /** Facts of the message itself, so that a reactor can pass over what is not its own without reading it. */
  direction: Direction;
  via?: string;
  /** The user who submitted it (SMTP, SMPP login), if any. */
  user?: string;
}

/** What the store did with one CommitItem. */
export interface Committed {
  /** The message's id: the item's own, or for a duplicate the one stored under the same idempotency key. */
  id: string;
  /** The idempotency key was already stored: nothing new was written (consumed segments are still dropped). */
  duplicate: boolean;
}

/** One received segment of a concatenated message, kept durably until its message is whole. */
export interface Segment {
  /** Connection, sender and concatenation reference: what makes segments belong together. */
  key: string;
  seq: number;
  total: number;
  receivedAt: Date;
  from: Address;
  to: Address;
  via?: string;
  part: Part;
  meta: Record<string, unknown>;
  /**
   * A segment handed over again after the message it belongs to was committed (a modem's segment read
   * again after a crash before its AT+CMGD) is not kept again when it carries the same key.
   */
  idempotencyKey?: string;
}

export interface UsageCharge {
  user: string;
  messages: number;
  dailyLimit?: number;
  monthlyLimit?: number;
}

export interface UserStore {
  get(name: string): Promise<StoredUser | undefined>;
  list(opts?: { includeRemoved?: boolean }): Promise<StoredUser[]>;
  /** Create or replace the whole account. */
  put(user: StoredUser): Promise<void>;
  /** Hard delete (CLI-created users) or tombstone (config-declared users). */
  remove(name: string, opts?: { tombstone?: boolean }): Promise<boolean>;
  /** The receiving user whose recipient addresses contain this normalised number. */
  findByRecipient(address: Address): Promise<StoredUser | undefined>;
}

export interface MessageStore {
  /**
   * Commit messages with their routes (mailbox entry or queue entry), status history, and the user's
   * usage charge, all or nothing. Resolves only once the data is durable on disk.
   * Throws NowsmsError NOWSMS_ERR_LIMIT when the charge would pass a limit or the credits.
   * Resolves with one Committed per item, in order.
   */
  commit(items: CommitItem[], charge?: UsageCharge): Promise<Committed[]>;
  get(id: string): Promise<Message | undefined>;
  summary(id: string): Promise<MessageSummary | undefined>;
  /** Newest first; `before` (a message id) gives the page after that message, for paging with a cursor. */
  list(filter?: { user?: string; direction?: Direction; status?: MessageStatus; limit?: number; before?: string }): Promise<MessageSummary[]>;
  /** Messages sent per connection and received (MO) per `via` since a time (NowSMS's status counters); optional for a store. */
  traffic?(since: Date): Promise<Traffic>;
  /** Append to the status history (and set the current status). */
  setStatus(id: string, status: MessageStatus, detail?: string): Promise<void>;
  /**
   * Apply a delivery report to the most recent message sent on that connection with that remote id.
   * The message becomes 'undeliverable' on any failed segment, 'delivered' once every segment is; other
   * reports only add to its history. A report that matches nothing is kept (and undefined returned).
   */
  recordReport(report: DeliveryReport): Promise<{ messageId: string; status: MessageStatus } | undefined>;
  /**
   * An operator's delete: out of the queue (routed or not) or the mailbox, status 'deleted', atomically.
   * Throws NOWSMS_ERR_NOT_FOUND for an unknown id, NOWSMS_ERR_CONFLICT when the message is in neither
   * (sent, failed, retrieved...) or is being sent right now.
   */
  delete(id: string, detail?: string): Promise<void>;
}

export interface SegmentStore {
  /** Keep a segment durably (a repeated seq replaces the earlier one); resolves with every segment now held for its key, by seq. */
  put(segment: Segment): Promise<Segment[]>;
  get(key: string): Promise<Segment[]>;
  /** Keys whose first segment arrived before `before`: incomplete messages past their timeout. */
  stale(before: Date): Promise<string[]>;
}

export interface QueueStore {
  /**
   * True when commit() stores a queue entry leased as CommitItem.leasedUntil says. A store without it has
   * every message leased and read back by the dispatcher (it must not ignore leasedUntil and say true: the
   * message would be sent from memory and leased again).
   */
  readonly leasesAtCommit?: boolean;
  /** Entries of this connection due now, oldest first, leased so that no other worker takes them. */
  lease(connectionId: string, now: Date, limit: number): Promise<QueueEntry[]>;
  /** Sent: leave the queue, status 'sent'; remember the next hop's ids for delivery reports. */
  complete(messageId: string, detail?: string, remoteIds?: string[]): Promise<void>;
  /** Temporary failure: try again at `at`; `countAttempt` false for throttling (no attempt spent). */
  retry(messageId: string, at: Date, error: string, countAttempt: boolean): Promise<void>;
  /** Permanent failure: leave the queue, status 'failed'. */
  fail(messageId: string, error: string): Promise<void>;
  /** MT messages waiting with no route. */
  unrouted(limit: number): Promise<Message[]>;
  /** Give an unrouted message a connection. */
  assign(messageId: string, connectionId: string): Promise<void>;
  /**
   * Hand back leases of workers that died mid-send. Without `connectionId`: this store's own (its node's),
   * at start. With it: every lease on that connection's queue, whoever took it; called by the node that has
   * just become the connection's holder (the holder before it is gone: see LeaseStore).
   */
  releaseLeases(connectionId?: string): Promise<void>;
  counts(): Promise<Record<string, { queued: number; retrying: number }>>;
  /** One page of a connection's queue (null: the messages waiting with no route), in the order they will be sent. */
  list(connectionId: string | null, page: { offset: number; limit: number }): Promise<{ total: number; items: QueueItem[] }>;
  /** One queue entry; undefined when the message is not in any queue. */
  item(messageId: string): Promise<QueueItem | undefined>;
  /**
   * Due now (an operator's "retry now"): status 'queued' with this detail. Throws NOWSMS_ERR_NOT_FOUND when
   * the message is not in a connection's queue, NOWSMS_ERR_CONFLICT when it is being sent right now.
   */
  retryNow(messageId: string, detail: string): Promise<void>;
  /**
   * Put a queued or no-route message on this connection's queue, due now (its attempts kept): status 'queued'
   * with this detail. Throws as retryNow; `onlyUnrouted` refuses (NOWSMS_ERR_CONFLICT) a message that has a route.
   */
  move(messageId: string, connectionId: string, detail: string, opts?: { onlyUnrouted?: boolean }): Promise<void>;
}

export interface MailboxStore {
  /** The user's entries in arrival order, with the sizes of their cached renditions (not the bytes). */
  list(user: string): Promise<MailboxEntry[]>;
  /** The cached rendition of one entry; undefined when there is none (never made, or the entry is gone). */
  rendition(user: string, uid: string): Promise<Buffer | undefined>;
  /** Cache an entry's rendition. Saves issued together share one transaction: save a login's renditions all at once. */
  saveRendition(user: string, uid: string, rendition: Buffer): Promise<void>;
  /** Remove these entries and mark their messages 'retrieved', atomically. */
  remove(user: string, uids: string[]): Promise<void>;
}

/**
 * The event log: the status history read in commit order, and the cursors of durable reactors. Every store
 * write that changes a message appends its changes here in the same transaction (see core/README.md).
 */
export interface EventLog {
  /** Changes with a seq above `cursor`, oldest first, at most `limit`. One read for the whole batch. */
  changesSince(cursor: number, limit: number): Promise<StatusChange[]>;
  /** The seq of the newest change (0 when the log is empty). */
  newestSeq(): Promise<number>;
  /**
   * Call `listener` after each commit of this store, in this process, that may have appended changes (so a
   * follower wakes at once for its own process's writes; other processes' writes are found by polling). A
   * store may also call it for other processes' commits (the PostgreSQL store does, through LISTEN/NOTIFY).
   * It may pass the changes the commit appended, exactly as changesSince() would return them (every one,
   * in seq order, with consecutive seqs), to spare a read; a follower takes them when they follow what it
   * has without a gap, holds them briefly when they come ahead of one (another process's earlier commit
   * told later), and reads otherwise. It is called on a later turn than the commit's callers hear of
   * it (setImmediate), so that what they do with the commit's result comes first: core hands the messages
   * to a dispatcher, a plug-in notes what its reactor will look for. Returns the function that removes it.
   */
  onAppend(listener: (changes?: readonly StatusChange[]) => void): () => void;
  /** A durable reactor's saved cursor; undefined if it never saved one. */
  cursor(name: string): Promise<number | undefined>;
  /** Save a durable reactor's cursor (durably; it never moves back). */
  saveCursor(name: string, seq: number): Promise<void>;
}

/** All the stores, each a slot a store plug-in fills. */
/** Who holds a named lease (a connection that must have one holder among the nodes), and until when. */
export interface HeldLease {
  name: string;
  holder: string;
  expiresAt: Date;
}

/**
 * Named leases with one holder at a time, shared by every node on the database: an SMSC bind or a modem
 * is held by one node, and moves to another when the holder stops renewing (it died). Expiry is the
 * store's clock, not a node's, where the store has one (PostgreSQL's now()).
 */
export interface LeaseStore {
  /**
   * Take `name` for `holder` for `ttlMs`, or renew it if `holder` has it. True when `holder` holds it now;
   * false while another holder's lease runs.
   */
  take(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Give `name` up, if `holder` has it. */
  release(name: string, holder: string): Promise<void>;
  /** The leases now held (unexpired), by name. */
  list(): Promise<HeldLease[]>;
}

export interface Stores {
  users: UserStore;
  messages: MessageStore;
  queues: QueueStore;
  mailboxes: MailboxStore;
  segments: SegmentStore;
  events: EventLog;
  leases: LeaseStore;
}

/** Message counts since a time: `sent` by connection id (the `sent` changes), `received` (MO) by `via`. */
export interface Traffic {
  sent: Record<string, number>;
  received: Record<string, number>;
}

/** What the store plug-in does besides the interfaces: open, migrate, close. */
export interface StoreLifecycle {
  close(): Promise<void>;
}

/** `standby`: an outbound connection another node holds (core/holders.ts); this node starts it if that one dies. */
export type ConnectionState = 'stopped' | 'starting' | 'up' | 'retrying' | 'down' | 'standby';

export interface ConnectionStatus {
  state: ConnectionState;
  detail?: string;
  /** Where a server listens, once it does (`127.0.0.1:2525`). */
  listening?: string[];
  counters: Record<string, number>;
}

/** A failed send, classified so the dispatcher knows what to do next. */
export type SendFailure = 'permanent' | 'temporary' | 'throttled';

export interface SendResult {
  /** The ids the next hop gave the message (one per segment for a long SMS), for matching delivery reports. */
  remoteIds?: string[];
  detail?: string;
}

/** A delivery report (SMSC receipt, modem status report) about a message sent earlier. */
export interface DeliveryReport {
  connectionId: string;
  /** As the connection normalised it, so that it equals one of SendResult.remoteIds. */
  remoteId: string;
  outcome: 'delivered' | 'undeliverable' | 'pending';
  detail?: string;
}

/**
 * What a connection carries. Routing never gives a connection a message it cannot carry. Absent: text SMS
 * only (`{ sms: true }`).
 */
export interface Carries {
  /** Text SMS. */
  sms?: boolean;
  /** Binary SMS: 8-bit data, application ports, a user data header of its own (see SmsTransport). */
  binary?: boolean;
  /** Destination application ports it can send to; absent: any (when `binary`). */
  ports?: number[];
  mms?: boolean;
}

/** Anything that moves messages in or out: SMTP and POP3 servers, SMPP binds, modems, MMSC links. */
export interface Connection {
  id: string;
  kind: string;
  /** Outbound routing: a sender equal to one of these selects this connection. */
  numbers?: Address[];
  /** Outbound routing: recipient masks such as `+44*` (longest match wins). */
  recipients?: string[];
  /** Outbound routing: takes any MT traffic no other rule placed. */
  anyTraffic?: boolean;
  /** Outbound: at most this many sends at once (default 1). */
  window?: number;
  /** What it carries (default: text SMS only). */
  carries?: Carries;
  /**
   * The options it was configured with, for operators (`nowsms status --json`, the TUI's connection detail).
   * Core shows them with secrets hidden (keys such as password, secret, pin, token, key; passwords in URLs).
   */
  options?: Readonly<Record<string, unknown>>;
  start(ctx: ConnectionContext): Promise<void>;
  stop(): Promise<void>;
  /** Outbound connections only. Throw SendError to classify a failure. */
  send?(entry: QueueEntry, signal: AbortSignal): Promise<SendResult>;
  status(): ConnectionStatus;
}

export interface Accepted {
  id: string;
  target: RouteTarget | undefined;
  /** Its idempotency key was stored already: this is the earlier message's id, and nothing was committed now. */
  duplicate?: true;
}

export interface ConnectionContext {
  log: import('./log.ts').Logger;
  stores: Stores;
  /**
   * Route and commit these messages, all or nothing. Resolves once they are durable: only then may the
   * connection acknowledge them. Throws NowsmsError with a permanent or temporary code.
   */
  submit(messages: NewMessage[]): Promise<Accepted[]>;
  /** Wake the dispatcher of a connection (after it comes up, or after a throttle pause). */
  kick(connectionId?: string): void;
  /**
   * Record a delivery report; its change reaches the `status` hook and reactors through the event log. It is
   * about a message this connection sent, unless `connectionId` names the one that did (an inbound MM7
   * endpoint receives the reports for messages an outbound MM7 connection sent).
   */
  report(report: Omit<DeliveryReport, 'connectionId'> & { connectionId?: string }): Promise<{ messageId: string; status: MessageStatus } | undefined>;
}
