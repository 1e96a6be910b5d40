// What an operator does to waiting messages: the one implementation behind the admin commands, run by a
// running gateway (its dispatchers woken at once) or by the CLI on the store when no gateway runs.
import { NowsmsError } from '../errors.ts';
import { chooseConnection } from '../routing.ts';
import type { Connection, QueueItem, Stores } from '../types.ts';
import type { MessageActionResult, QueueItemView, QueuePage } from './protocol.ts';

export interface OperatorHost {
  readonly stores: Stores;
  connections(): readonly Connection[];
  /** Wake a connection's dispatcher (nothing when the gateway is not running). */
  kick(connectionId?: string): void;
}

export function queueItemView(i: QueueItem): QueueItemView {
  const v: QueueItemView = {
    id: i.messageId,
    connection: i.connectionId ?? null,
    status: i.status,
    attempts: i.attempts,
    nextAttemptAt: i.nextAttemptAt.toISOString(),
    sending: i.sending,
    direction: i.direction,
    kind: i.kind,
    from: i.from,
    to: i.to,
    receivedAt: i.receivedAt.toISOString(),
  };
  if (i.lastError !== undefined) v.lastError = i.lastError;
  if (i.user !== undefined) v.user = i.user;
  return v;
}

/** Rows read at a time when a filter makes listQueue look through the whole queue. */
const FILTER_SCAN_BATCH = 2000;

export async function listQueue(host: OperatorHost, connection: string | null, page: number, pageSize: number, filter?: string): Promise<QueuePage> {
  if (filter === undefined) {
    const { total, items } = await host.stores.queues.list(connection, { offset: (page - 1) * pageSize, limit: pageSize });
    return { connection, page, pageSize, total, items: items.map(queueItemView) };
  }
  // The store pages but does not search: look through the queue in batches, keep the page asked for.
  const needle = filter.toLowerCase();
  const from = (page - 1) * pageSize;
  const items: QueueItemView[] = [];
  let total = 0;
  for (let offset = 0; ; offset += FILTER_SCAN_BATCH) {
    const batch = await host.stores.queues.list(connection, { offset, limit: FILTER_SCAN_BATCH });
    for (const i of batch.items) {
      const v = queueItemView(i);
      if (![v.id, v.from, v.to, v.status, v.user ?? '', v.lastError ?? ''].some((f) => f.toLowerCase().includes(needle))) continue;
      if (total >= from && items.length < pageSize) items.push(v);
      total++;
    }
    if (batch.items.length < FILTER_SCAN_BATCH) break;
  }
  return { connection, page, pageSize, total, items };
}

/** Why a message that is in no queue cannot be acted on: unknown, or already past the queue. */
async function notQueued(host: OperatorHost, id: string): Promise<NowsmsError> {
  const s = await host.stores.messages.summary(id);
  return s
    ? new NowsmsError('NOWSMS_ERR_CONFLICT', `message ${id} is ${s.status}, not waiting in a queue`)
    : new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no message ${id}: 'nowsms messages list' shows the latest ones`);
}

/** Send it now: due at once, and the connection's dispatcher woken. */
export async function retryNow(host: OperatorHost, id: string): Promise<MessageActionResult> {
  await host.stores.queues.retryNow(id, 'retry now (operator)');
  const item = await host.stores.queues.item(id);
  if (item?.connectionId) host.kick(item.connectionId);
  return { id, status: 'queued', ...(item?.connectionId ? { connection: item.connectionId } : {}) };
}

/** Out of its queue or mailbox for good: status 'deleted'. */
export async function deleteMessage(host: OperatorHost, id: string): Promise<MessageActionResult> {
  await host.stores.messages.delete(id, 'deleted by the operator');
  return { id, status: 'deleted' };
}

/** A no-route message routed again by the connections' rules (after the operator added or fixed one). */
export async function requeue(host: OperatorHost, id: string): Promise<MessageActionResult> {
  const item = await host.stores.queues.item(id);
  if (!item) throw await notQueued(host, id);
  if (item.connectionId !== undefined)
    throw new NowsmsError(
      'NOWSMS_ERR_CONFLICT',
      `message ${id} is ${item.status} on connection ${item.connectionId}: requeue is for no-route messages (use move)`,
    );
  const message = await host.stores.messages.get(id);
  if (!message) throw await notQueued(host, id);
  const target = chooseConnection(message, [...host.connections()]);
  if (!target)
    throw new NowsmsError(
      'NOWSMS_ERR_CONFLICT',
      `no connection takes message ${id} (to ${message.to}, from ${message.from}): it keeps waiting; add a connection whose numbers, recipients or anyTraffic match, or move it to one`,
    );
  await host.stores.queues.move(id, target, `routed to ${target} (operator)`, { onlyUnrouted: true });
  host.kick(target);
  return { id, status: 'queued', connection: target };
}

/** Onto another connection's queue, due now. The connection must exist and be able to send. */
export async function move(host: OperatorHost, id: string, connection: string): Promise<MessageActionResult> {
  const c = host.connections().find((x) => x.id === connection);
  if (!c) throw new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no connection ${connection}: 'nowsms status' lists the connections`);
  if (typeof c.send !== 'function')
    throw new NowsmsError('NOWSMS_ERR_CONFLICT', `connection ${connection} (${c.kind}) cannot send messages: choose an outbound connection`);
  const item = await host.stores.queues.item(id);
  if (!item) throw await notQueued(host, id);
  await host.stores.queues.move(
    id,
    connection,
    item.connectionId ? `moved from ${item.connectionId} to ${connection} (operator)` : `moved to ${connection} (operator)`,
  );
  host.kick(connection);
  return { id, status: 'queued', connection };
}
