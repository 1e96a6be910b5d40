// The core admin commands: each name bound to its request schema (protocol.ts) and its one implementation.
// The same handlers answer on a running gateway's socket and, in the CLI, on a gateway opened without start.
import { publicOptions } from './redact.ts';
import type { Auth } from '../auth.ts';
import type { ResolvedConfig } from '../config.ts';
import { NowsmsError } from '../errors.ts';
import { addUser, publicView, removeUser, setUser } from '../users.ts';
import type { Accepted, ConnectionStatus, HeldLease, NewMessage } from '../types.ts';
import { deleteMessage, listQueue, move, requeue, retryNow, type OperatorHost } from './operations.ts';
import { ADMIN_PROTOCOL_VERSION, coreRequests, type AdminCommands, type ConnectionView, type StatusResult, type SubscriberView } from './protocol.ts';
import type { z } from 'zod';
import type { AdminCommand, AdminRegistry } from './registry.ts';
import { getMessage, listMessages } from './messages-view.ts';

/** The commands that only read: not logged as operator actions. */
const READ_ONLY = new Set(['hello', 'status', 'subscribe', 'users.list', 'queue.list', 'messages.list', 'messages.get']);

export interface AdminHost extends OperatorHost {
  readonly config: ResolvedConfig;
  readonly auth: Auth;
  readonly admin: AdminRegistry;
  submit(messages: NewMessage[]): Promise<Accepted[]>;
  status(): Record<string, ConnectionStatus & { kind: string }>;
  /** The admin socket's subscribers (none when the gateway is not running). */
  adminSubscribers(): SubscriberView[];
}

export function connectionViews(host: AdminHost): ConnectionView[] {
  const status = host.status();
  return host.connections().map((c) => ({
    id: c.id,
    ...status[c.id]!,
    outbound: typeof c.send === 'function',
    ...(c.options ? { options: publicOptions(c.options) as Record<string, unknown> } : {}),
  }));
}

/**
 * The live nodes from the leases: `node:<id>` is a node's heartbeat, `connection:<id>` a connection it holds;
 * both are held by the node's process (its holder name: core/lease-holder.ts).
 */
export function nodesOf(leases: HeldLease[]): StatusResult['nodes'] {
  const byHolder = new Map<string, { id: string; connections: string[] }>();
  for (const l of leases) if (l.name.startsWith('node:')) byHolder.set(l.holder, { id: l.name.slice('node:'.length), connections: [] });
  for (const l of leases) if (l.name.startsWith('connection:')) byHolder.get(l.holder)?.connections.push(l.name.slice('connection:'.length));
  return [...byHolder.values()];
}

type Awaitable<T> = T | Promise<T>;

/** A core command, its handler typed from its schema and its result from AdminCommands. */
function command<C extends keyof AdminCommands>(
  name: C,
  description: string,
  handler: (request: z.output<(typeof coreRequests)[C]>) => Awaitable<AdminCommands[C]['result']>,
): AdminCommand {
  return { name, description, request: coreRequests[name], handler: handler as AdminCommand['handler'] };
}

export function coreCommands(host: AdminHost): AdminCommand[] {
  const commands = [
    command('hello', 'the protocol version, the commands and the topics this gateway answers', () => ({
      protocol: ADMIN_PROTOCOL_VERSION,
      pid: process.pid,
      ...host.admin.list(),
    })),
    command('status', 'connections with their state and counters, queue sizes, messages waiting with no route', async () => {
      const queues = await host.stores.queues.counts();
      const views = connectionViews(host);
      const noRoute = queues[''];
      return {
        pid: process.pid,
        protocol: ADMIN_PROTOCOL_VERSION,
        connections: Object.fromEntries(views.map((v) => [v.id, v])),
        queues,
        outbound: views.filter((v) => v.outbound).map((v) => v.id),
        noRoute: noRoute ? noRoute.queued + noRoute.retrying : 0,
        admin: { subscribers: host.adminSubscribers() },
        node: host.config.nodeId,
        nodes: nodesOf(await host.stores.leases.list()),
      };
    }),
    command('subscribe', 'turn this connection into a stream of events of these topics', () => {
      throw new NowsmsError('NOWSMS_ERR_USAGE', 'subscribe streams events over the admin socket of a running gateway');
    }),
    command('users.list', 'every user (never the credentials)', async () => (await host.stores.users.list()).map(publicView)),
    command('users.add', 'create a user', async ({ name, ...fields }) => publicView(await addUser(host.stores.users, host.auth, host.config, name, fields))),
    command('users.set', 'change some fields of a user', async ({ name, ...fields }) =>
      publicView(await setUser(host.stores.users, host.auth, host.config, name, fields)),
    ),
    command('users.remove', 'remove a user', async ({ name }) => {
      if (!(await removeUser(host.stores.users, name))) throw new NowsmsError('NOWSMS_ERR_NOT_FOUND', `no user ${name}`);
      return { removed: name };
    }),
    command('inject', 'submit a text message as if received from the network (MO) or to be sent out (MT)', async ({ from, to, text, direction }) => {
      const [accepted] = await host.submit([
        { direction, kind: 'sms', from, to, via: 'cli', parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8') }] },
      ]);
      return accepted!;
    }),
    command('queue.list', "one page of a connection's outbound queue (connection null: the no-route messages)", ({ connection, page, pageSize, filter }) =>
      listQueue(host, connection, page, pageSize, filter),
    ),
    command('messages.retry', 'send a queued message now (next attempt now, its dispatcher woken)', ({ message }) => retryNow(host, message)),
    command('messages.delete', 'delete a queued, no-route or mailbox message (status deleted)', ({ message }) => deleteMessage(host, message)),
    command('messages.requeue', "route a no-route message again by the connections' rules", ({ message }) => requeue(host, message)),
    command('messages.move', "put a queued or no-route message on another connection's queue", ({ message, connection }) => move(host, message, connection)),
    command('messages.list', 'the latest messages, newest first, with their history (filters: user, direction, status, number)', (request) =>
      listMessages(host.stores, request),
    ),
    command('messages.get', 'one message: its parts, whole status history and route', ({ message }) => getMessage(host.stores, message)),
  ];
  for (const c of commands) if (READ_ONLY.has(c.name)) c.readOnly = true;
  return commands;
}
