// Outbound connections among the nodes that share one database. An SMSC bind or a modem must have one
// holder: a second bind may pass the SMSC's session limit, and a modem has one serial line. So a node
// starts an outbound connection only while it holds the connection's lease (`connection:<id>` in the
// LeaseStore), renews it every third of its length, and stops the connection when it loses it. When a
// holder dies, its lease runs out and another node takes the connection over, with the queue entries the
// dead holder had leased (releaseLeases(connectionId)): nothing acknowledged waits for their own expiry.
// With one node (the SQLite store) the first round takes every lease and nothing else changes.
//
// The leases are held by this process (core/lease-holder.ts), under the node's heartbeat `node:<id>`. A
// node id whose heartbeat another process holds is either a predecessor that died (kill -9: on this
// machine that is checked at once, elsewhere its heartbeat is waited out) or a second gateway started with
// the same id, which renews it: then this one refuses to start, as two holders of one id would be.
import { NowsmsError } from './errors.ts';
import { diedHere } from './lease-holder.ts';
import type { Logger } from './log.ts';
import type { HeldLease, LeaseStore, QueueStore } from './types.ts';

/** What holding a connection means for the gateway: its start and stop (the connection and its dispatcher). */
export interface Holdable {
  id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const leaseName = (connectionId: string) => `connection:${connectionId}`;
/** The node's own lease: its heartbeat, so that every node can list the live ones (`nowsms status`). */
export const nodeLeaseName = (node: string) => `node:${node}`;

export class Holders {
  private readonly held = new Map<string, { renewedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private running = false;
  /** Whom the heartbeat was last seen held by, when not this process: logged once per holder. */
  private displacedBy: string | undefined;

  constructor(
    private readonly deps: {
      leases: LeaseStore;
      queues: QueueStore;
      node: string;
      /** This process's name in the leases (newLeaseHolder()). */
      holder: string;
      ttlMs: number;
      log: Logger;
    },
    private readonly conns: Holdable[],
  ) {}

  /** Whether this node holds (and runs) this connection. */
  holds(connectionId: string): boolean {
    return this.held.has(connectionId);
  }

  /** The first round, awaited: once it ends, every connection this node could take is started. */
  async start(): Promise<void> {
    this.running = true;
    await this.takeNode();
    // A connection that fails to start now fails the gateway's start, as it always has.
    await this.renewAll(true);
    this.schedule();
  }

  /** Stop the rounds, stop what this node holds, and hand the leases back so another node takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.round;
    for (const c of [...this.conns].reverse()) {
      if (!this.held.delete(c.id)) continue;
      await this.stopConnection(c);
      await this.deps.leases.release(leaseName(c.id), this.deps.holder).catch((err: unknown) => {
        this.deps.log.warn({ err, connection: c.id }, 'could not hand back the hold on the connection: another node takes it when the lease runs out');
      });
    }
    await this.deps.leases.release(nodeLeaseName(this.deps.node), this.deps.holder).catch(() => undefined);
  }

  /**
   * The heartbeat, at start: free, or held by a predecessor that died (its leases are handed back with it), or
   * held by a live gateway of the same node id, which is a configuration error. Waits at most a lease's length.
   */
  private async takeNode(): Promise<void> {
    const { leases, node, holder, ttlMs, log } = this.deps;
    const name = nodeLeaseName(node);
    let seen: HeldLease | undefined;
    let freed = false;
    for (;;) {
      if (await this.ask(leases.take(name, holder, ttlMs))) {
        // What a predecessor that stopped renewing still holds is free now: its connections are taken at once.
        if (seen) await this.releaseAllOf(seen.holder);
        return;
      }
      const now = (await this.ask(leases.list())).find((l) => l.name === name);
      if (!now) continue; // It ran out between the two questions.
      if (!freed && diedHere(now.holder)) {
        freed = true;
        log.info({ node, predecessor: now.holder }, "the node's previous process died: taking over its leases");
        await this.ask(leases.release(name, now.holder));
        seen = now;
        continue;
      }
      if (seen && (now.holder !== seen.holder || now.expiresAt > seen.expiresAt))
        throw new NowsmsError(
          'NOWSMS_ERR_CONFIG',
          `another gateway is running as node ${node} (${now.holder}, which renews its heartbeat): give each node its own nodeId (NOWSMS_NODE_ID), or stop that one first`,
        );
      if (!seen)
        log.warn(
          { node, holder: now.holder, until: now.expiresAt },
          `the heartbeat of node ${node} is held by ${now.holder}: waiting for it to run out before taking outbound connections (if it is renewed, another gateway runs with this node id)`,
        );
      seen = now;
      // Checked a few times per lease, so that a renewal (every third of it) is seen before this one takes it.
      await new Promise((r) => setTimeout(r, Math.min(ttlMs / 6, Math.max(10, now.expiresAt.getTime() - Date.now() + 10))));
    }
  }

  private async releaseAllOf(predecessor: string): Promise<void> {
    for (const l of await this.ask(this.deps.leases.list())) if (l.holder === predecessor) await this.ask(this.deps.leases.release(l.name, predecessor));
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.round = this.renewAll().finally(() => {
        this.round = undefined;
        this.schedule();
      });
    }, this.deps.ttlMs / 3);
  }

  private async renewAll(first = false): Promise<void> {
    if (!first) await this.renewNode();
    for (const c of this.conns) {
      if (!this.running) return;
      await this.renew(c, first);
    }
  }

  /**
   * Another process holding the heartbeat now means this one stopped renewing for a whole lease (paused, or
   * cut from the store) and was taken for dead, or a second gateway of this id started. The connections'
   * leases are this process's own, so nothing runs twice; the operator is told.
   */
  private async renewNode(): Promise<void> {
    const { leases, node, holder, ttlMs, log } = this.deps;
    try {
      if (await this.ask(leases.take(nodeLeaseName(node), holder, ttlMs))) {
        this.displacedBy = undefined;
        return;
      }
      const other = (await this.ask(leases.list())).find((l) => l.name === nodeLeaseName(node))?.holder;
      if (other !== undefined && other !== this.displacedBy)
        log.error({ node, holder: other }, `another process holds the heartbeat of node ${node} (${other}): two gateways run with this node id`);
      this.displacedBy = other;
    } catch (err) {
      log.warn({ err }, "cannot renew this node's heartbeat in the store; trying again");
    }
  }

  private async renew(c: Holdable, first: boolean): Promise<void> {
    const { leases, queues, holder, node, ttlMs, log } = this.deps;
    const mine = this.held.get(c.id);
    let holds: boolean;
    try {
      holds = await this.ask(leases.take(leaseName(c.id), holder, ttlMs));
    } catch (err) {
      // At start a store that cannot answer is the gateway's failure to start, not a standby.
      if (first) throw err;
      // The store is away. Keep the connection while the lease we had surely runs: another node may take it
      // once it has run out, so this one stops a third of a lease before (two renewals missed), and two binds
      // never overlap.
      if (mine && Date.now() - mine.renewedAt >= (ttlMs * 2) / 3) {
        log.error({ err, connection: c.id }, 'cannot renew the hold on the connection and it has run out: stopping the connection');
        this.held.delete(c.id);
        await this.stopConnection(c);
      } else log.warn({ err, connection: c.id }, 'cannot renew the hold on the connection; trying again');
      return;
    }
    if (holds && mine) {
      mine.renewedAt = Date.now();
      return;
    }
    if (holds) {
      this.held.set(c.id, { renewedAt: Date.now() });
      // The holder before (if any) is gone: the entries it was sending are this node's to send now.
      await queues.releaseLeases(c.id).catch((err: unknown) => log.warn({ err, connection: c.id }, 'could not take over the leased queue entries'));
      log.info({ connection: c.id, node }, 'this node holds the connection: starting it');
      try {
        await c.start();
      } catch (err) {
        if (first) {
          this.held.delete(c.id);
          await leases.release(leaseName(c.id), holder).catch(() => undefined);
          throw err;
        }
        // Let another node try: it may have what this one lacks (the modem on its serial line).
        this.held.delete(c.id);
        await this.stopConnection(c);
        await leases.release(leaseName(c.id), holder).catch(() => undefined);
        log.error({ err, connection: c.id }, 'the connection did not start: its hold is handed back');
      }
      return;
    }
    if (mine) {
      this.held.delete(c.id);
      log.warn({ connection: c.id, node }, 'another node holds the connection now: stopping it here');
      await this.stopConnection(c);
    }
  }

  /** A store that hangs (a database unreachable, its connect timeout long) counts as failing after a round's time. */
  private ask<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the store did not answer within a renewal interval')), this.deps.ttlMs / 3);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  private async stopConnection(c: Holdable): Promise<void> {
    try {
      await c.stop();
    } catch (err) {
      this.deps.log.error({ err, connection: c.id }, 'connection did not stop cleanly');
    }
  }
}
