// receive -> normalise -> route -> commit. Nothing is acknowledged before the store has committed it.
import { normalizeAddress } from './address.ts';
import { planSms } from './codecs/index.ts';
import { decodeText } from './codecs/mms/charset.ts';
import type { ResolvedConfig } from './config.ts';
import type { Claim } from './dispatcher.ts';
import { NowsmsError } from './errors.ts';
import type { GatewayHooks } from './hooks.ts';
import { newMessageId } from './ids.ts';
import { replyRoute } from './mms/reply-route.ts';
import type { Logger } from './log.ts';
import { checkMms } from './mms/rules.ts';
import { cannotCarry, chooseRoute } from './routing.ts';
import { textOf } from './text.ts';
import type { Accepted, CommitItem, Committed, Connection, Message, NewMessage, Part, QueueEntry, RouteTarget, Stores, UsageCharge } from './types.ts';

export interface PipelineDeps {
  hooks: GatewayHooks;
  stores: Stores;
  config: ResolvedConfig;
  log: Logger;
  connections: () => Connection[];
  /** Wake the dispatcher of a connection that has new work. */
  kick: (connectionId?: string) => void;
  /**
   * Room in this process's dispatcher of the connection for these messages about to be committed, which it
   * then takes in memory (see Dispatcher.claim). Undefined: commit them unleased and kick.
   */
  claim?: (connectionId: string, messageIds: readonly string[]) => Claim | undefined;
  /** An MT message was committed with no route (the operator is told, a line a minute at most). */
  noRoute?: (message: Message, reason: string | undefined) => void;
}

export async function prepare(deps: PipelineDeps, input: NewMessage): Promise<CommitItem> {
  const { config } = deps;
  const { consumesSegments, routeTo, routeVia, idempotencyKey, delayUntil, ...fields } = input;
  let message: Message = {
    ...fields,
    id: newMessageId(),
    receivedAt: input.receivedAt ?? new Date(),
    from: normalizeAddress(input.from, config.numbering),
    to: normalizeAddress(input.to, config.numbering),
    parts: input.parts,
    meta: { ...input.meta },
  };
  message.parts = message.parts.map(utf8Text);
  if (!/^\+?\d+$/.test(message.to)) throw new NowsmsError('NOWSMS_ERR_ADDRESS', `recipient ${input.to} is not a phone number`);
  message = await deps.hooks.normalize.call(message);
  refuseNul(message);
  if (message.kind === 'sms' && message.direction === 'MT') {
    // Only what we are to send is limited: a received message already cost its sender.
    const plan = planSms(textOf(message));
    if (plan.segments.length > config.sms.maxSegments) {
      throw new NowsmsError(
        'NOWSMS_ERR_TOO_LONG',
        `message too long: it needs ${plan.segments.length} SMS segments (${plan.encoding === 'ucs2' ? 'Unicode' : 'GSM 7-bit'}) and the limit is ${config.sms.maxSegments} (sms.maxSegments)`,
      );
    }
    message.meta = { ...message.meta, encoding: plan.encoding, segments: plan.segments.length };
  }
  // Every intake (SMTP, MM7, ...) is held to the same MMS rules; what a phone sent us is taken as it came.
  if (message.kind === 'mms' && message.direction === 'MT') checkMms(message.parts, config.mms);
  const routed =
    (await deps.hooks.claim.call(message)) ??
    (await replyRoute(message, deps.stores.users)) ??
    (routeTo !== undefined ? await mailboxOf(deps, routeTo) : (viaConnection(deps, routeVia, message) ?? (await deps.hooks.route.call(message))));
  if (routed?.kind === 'reject') throw new NowsmsError('NOWSMS_ERR_REJECTED', routed.reason, { temporary: routed.temporary });
  const route = routed === undefined && message.direction === 'MT' ? chooseRoute(message, deps.connections()) : undefined;
  const target = routed ?? (route && 'id' in route ? ({ kind: 'connection', id: route.id } as const) : undefined);
  return {
    message,
    target,
    ...(route && 'reason' in route ? { detail: route.reason } : {}),
    ...(consumesSegments ? { consumesSegments } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(delayUntil !== undefined && message.direction === 'MT' ? { delayUntil } : {}),
  };
}

/**
 * No address, subject or file name holds a NUL; one that does is a client's mistake or a probe, and a
 * PostgreSQL store could not keep it. (The recipient is digits, checked above.)
 */
function refuseNul(m: Message): void {
  const check = (what: string, s: string | undefined) => {
    if (s?.includes('\0')) throw new NowsmsError('NOWSMS_ERR_REJECTED', `the ${what} contains a NUL character`);
  };
  check('sender', m.from);
  check('subject', m.subject);
  for (const p of m.parts) {
    check("part's content type", p.contentType);
    check("part's file name", p.name);
    check("part's Content-ID", p.contentId);
  }
}

async function mailboxOf(deps: PipelineDeps, name: string): Promise<RouteTarget> {
  const user = await deps.stores.users.get(name);
  // A misconfigured route must not lose the message: a temporary refusal leaves it where it was (on the SIM, at the SMSC).
  if (!user || user.removed)
    return { kind: 'reject', temporary: true, reason: `route-to user ${name} does not exist: add the user or fix the connection's routeTo` };
  return { kind: 'mailbox', user: name };
}

/** NewMessage.routeVia: that connection, when it sends and carries the message (else the usual routing). */
function viaConnection(deps: PipelineDeps, id: string | undefined, message: Message): RouteTarget | undefined {
  if (id === undefined || message.direction !== 'MT') return undefined;
  const c = deps.connections().find((x) => x.id === id && typeof x.send === 'function');
  return c && !cannotCarry(c, message) ? { kind: 'connection', id } : undefined;
}

/** Text parts are kept in UTF-8 (one rule for every plug-in); other charsets are converted on the way in. */
function utf8Text(part: Part): Part {
  const m = /^text\/plain\s*(?:;\s*charset="?([^";\s]+)"?)?/i.exec(part.contentType);
  if (!m) return part;
  const charset = (m[1] ?? 'utf-8').toLowerCase();
  // 8-bit bytes under a us-ascii label (handsets do this) are decoded below as the WHATWG label says: windows-1252.
  const ascii = charset === 'us-ascii' && part.data.every((b) => b < 0x80);
  if (charset === 'utf-8' || charset === 'utf8' || ascii) return { ...part, contentType: 'text/plain; charset=utf-8' };
  try {
    new TextDecoder(charset);
  } catch {
    throw new NowsmsError('NOWSMS_ERR_REJECTED', `text part in unknown charset ${charset}`);
  }
  // Not TextDecoder alone: it reads windows-1252 (and us-ascii, iso-8859-1) as Latin-1 on Node 20, and UTF-16 without a BOM as little-endian.
  const text = decodeText(part.data, charset);
  return { ...part, contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8') };
}

/** One charge per submitting user: their MT messages count against their limits and credits. */
function charges(items: CommitItem[], stores: Stores): Promise<UsageCharge | undefined> {
  const users = new Set(items.filter((i) => i.message.direction === 'MT' && i.message.user).map((i) => i.message.user as string));
  if (users.size === 0) return Promise.resolve(undefined);
  if (users.size > 1) throw new NowsmsError('NOWSMS_ERR_USAGE', 'one submission may carry the messages of one user only');
  const [name] = users as unknown as [string];
  return stores.users.get(name).then((u) => {
    if (!u || (u.dailyLimit === undefined && u.monthlyLimit === undefined && u.credits === undefined)) return undefined;
    return { user: name, messages: items.length, dailyLimit: u.dailyLimit, monthlyLimit: u.monthlyLimit };
  });
}

export async function submit(deps: PipelineDeps, inputs: NewMessage[]): Promise<Accepted[]> {
  if (inputs.length === 0) return [];
  const items: CommitItem[] = [];
  for (const input of inputs) items.push(await prepare(deps, input));
  const charge = await charges(items, deps.stores);
  const claims = claim(deps, items);
  let committed: Committed[] = [];
  try {
    committed = await deps.stores.messages.commit(items, charge);
  } finally {
    handOver(claims, items, committed);
  }
  const accepted: Accepted[] = [];
  for (const [i, { message, target, detail }] of items.entries()) {
    const c = committed[i]!;
    if (c.duplicate) {
      deps.log.info(
        { id: c.id, via: message.via, from: message.from, to: message.to },
        'message already stored under the same idempotency key; not stored again',
      );
      accepted.push({ id: c.id, target, duplicate: true });
      continue;
    }
    accepted.push({ id: message.id, target });
    deps.log.info(
      {
        id: message.id,
        direction: message.direction,
        kind: message.kind,
        from: message.from,
        to: message.to,
        via: message.via,
        target,
        ...(detail ? { noRoute: detail } : {}),
      },
      'message accepted',
    );
    if (message.direction === 'MT' && target === undefined) deps.noRoute?.(message, detail);
    // The hooks (inMailbox, enqueued, status) run from the event log; only the dispatcher is woken here, at once.
    if (target?.kind === 'connection' && !claims.has(target.id)) deps.kick(target.id);
  }
  return accepted;
}

/** A claim made for the messages of one connection, and which items they are. */
interface Claimed {
  claim: Claim;
  items: number[];
}

/** Claims room for the messages queued to each connection (see PipelineDeps.claim), by connection. */
function claim(deps: PipelineDeps, items: CommitItem[]): Map<string, Claimed> {
  const claims = new Map<string, Claimed>();
  if (!deps.claim) return claims;
  const due = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (item.target?.kind !== 'connection' || item.delayUntil) return;
    const list = due.get(item.target.id);
    if (list) list.push(i);
    else due.set(item.target.id, [i]);
  });
  for (const [id, list] of due) {
    const c = deps.claim(
      id,
      list.map((i) => items[i]!.message.id),
    );
    if (!c) continue;
    claims.set(id, { claim: c, items: list });
    for (const i of list) items[i]!.leasedUntil = c.until;
  }
  return claims;
}

/** Each claim's messages that were stored (not a duplicate of an earlier one), to its dispatcher. */
function handOver(claims: Map<string, Claimed>, items: CommitItem[], committed: Committed[]): void {
  for (const [id, { claim: c, items: list }] of claims) {
    const entries: QueueEntry[] = [];
    for (const i of list) {
      if (committed[i]?.duplicate !== false) continue;
      const { message } = items[i]!;
      entries.push({ messageId: message.id, connectionId: id, attempts: 0, nextAttemptAt: message.receivedAt, message });
    }
    c.handOver(entries);
  }
}
