// What the PostgreSQL store does of its own, beyond the contract suite: migrating once when nodes start
// together, a clear error for a database it cannot reach, riding out the server going away, waking
// another node's followers, group commit, a node's own queue leases, and TLS to a server that takes nothing else.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { PluginApi, StatusChange, Stores } from '../../../core/index.ts';
import { isNowsmsError } from '../../../core/index.ts';
import { MIGRATIONS } from '../../../plugins/store-postgres/schema.ts';
import { WRITE_LOCK } from '../../../plugins/store-postgres/write-queue.ts';
import { waitFor } from '../../helpers/wait.ts';
import { openPostgresStore, postgresStore, type PostgresStore } from '../../../plugins/store-postgres/index.ts';
import { missingPostgres, sharedPostgres, startPostgres, stopSharedPostgres, type PostgresServer } from '../../helpers/postgres.ts';
import { freePort } from '../../helpers/process.ts';
import { makeCertificate } from '../../helpers/tls.ts';
import { sms, soon, toConnection } from '../../store-contract/fixtures.ts';

afterAll(stopSharedPostgres);

const open: PostgresStore[] = [];
afterAll(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function store(server: PostgresServer, database: string, nodeId = 'node-a'): Promise<PostgresStore> {
  const s = await openPostgresStore({ url: server.url(database), nodeId, poolSize: 4 });
  open.push(s);
  return s;
}

/** One statement on the test's database, as an operator's psql would run it. */
async function query<R extends pg.QueryResultRow>(server: PostgresServer, database: string, sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: server.url(database) });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

interface TableCounters {
  seq_tup_read: number;
  n_tup_upd: number;
  n_tup_hot_upd: number;
  n_tup_del: number;
}

/** The server's counters for the queue table, once `counted` holds of them: a session reports its own when it ends. */
function queueCounters(server: PostgresServer, database: string, counted: (c: TableCounters) => boolean): Promise<TableCounters> {
  return waitFor('the sessions to report', async () => {
    const [c] = await query<TableCounters>(
      server,
      database,
      "SELECT seq_tup_read::int, n_tup_upd::int, n_tup_hot_upd::int, n_tup_del::int FROM pg_stat_user_tables WHERE relname = 'queue'",
    );
    return counted(c!) && c!;
  });
}

/** Resolves at the store's next call of its onAppend listeners. */
function nextWake(s: PostgresStore): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = s.events.onAppend(() => {
      stop();
      resolve();
    });
  });
}

async function fresh(): Promise<{ server: PostgresServer; database: string }> {
  const server = await sharedPostgres();
  return { server, database: await server.createDatabase() };
}

describe.skipIf(missingPostgres())('store-postgres', () => {
  it('two nodes starting at once on an empty database migrate it once, and both work', async () => {
    const { server, database } = await fresh();
    const [a, b] = await Promise.all([store(server, database, 'a'), store(server, database, 'b')]);
    expect(await query(server, database, 'SELECT version FROM schema_version')).toEqual([{ version: MIGRATIONS.length }]);
    const m = sms();
    await a.messages.commit([{ message: m, target: undefined }]);
    expect((await b.messages.get(m.id))?.id).toBe(m.id);
  });

  it('an unreachable database at start is a clear store error naming host and port, never the password', async () => {
    const port = await freePort(); // nothing listens there
    const err = await openPostgresStore({ url: `postgres://nowsms:s3cret-pw@127.0.0.1:${port}/nowsms`, nodeId: 'a', connectTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    );
    expect(isNowsmsError(err, 'NOWSMS_ERR_STORE')).toBe(true);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).toMatch(/ECONNREFUSED|connect/);
    expect((err as Error).message).not.toContain('s3cret-pw');
  });

  it('the plug-in without a URL (no url option, no NOWSMS_DATABASE_URL) is a configuration error', async () => {
    const saved = process.env.NOWSMS_DATABASE_URL;
    delete process.env.NOWSMS_DATABASE_URL;
    try {
      const api = { config: { dataDir: '/nonexistent', configDir: '/nonexistent', nodeId: 'a' } } as unknown as PluginApi;
      const err = await Promise.resolve(postgresStore().setup!(api)).catch((e: unknown) => e);
      expect(isNowsmsError(err, 'NOWSMS_ERR_CONFIG')).toBe(true);
      expect((err as Error).message).toContain('NOWSMS_DATABASE_URL');
    } finally {
      if (saved !== undefined) process.env.NOWSMS_DATABASE_URL = saved;
    }
  });

  it('the plug-in fills every store slot, on the database NOWSMS_DATABASE_URL names', async () => {
    const { server, database } = await fresh();
    const saved = process.env.NOWSMS_DATABASE_URL;
    process.env.NOWSMS_DATABASE_URL = server.url(database);
    const stores: Partial<Stores> = {};
    const closers: (() => Promise<void> | void)[] = [];
    try {
      const api = {
        config: { dataDir: '/nonexistent', configDir: '/nonexistent', nodeId: 'host:/data' },
        store: (slot: keyof Stores, impl: never) => void (stores[slot] = impl),
        onClose: (fn: () => Promise<void> | void) => void closers.push(fn),
      } as unknown as PluginApi;
      await postgresStore().setup!(api);
      expect(Object.keys(stores).sort()).toEqual(['events', 'leases', 'mailboxes', 'messages', 'queues', 'segments', 'users']);
      const m = sms();
      await stores.messages!.commit([{ message: m, target: { kind: 'connection', id: 'smsc' } }]);
      // The config's nodeId owns the leases this node takes.
      await stores.queues!.lease('smsc', soon(), 1);
      expect(await query(server, database, 'SELECT leased_by FROM queue')).toEqual([{ leased_by: 'host:/data' }]);
    } finally {
      for (const fn of closers.reverse()) await fn();
      if (saved === undefined) delete process.env.NOWSMS_DATABASE_URL;
      else process.env.NOWSMS_DATABASE_URL = saved;
    }
  });

  it('the server going away makes commits fail temporarily, and they succeed again once it is back, without reopening', async () => {
    const server = await startPostgres(); // its own server: this test stops it
    try {
      const database = await server.createDatabase();
      const s = await openPostgresStore({ url: server.url(database), nodeId: 'a', poolSize: 2, connectTimeoutMs: 2000 });
      try {
        await s.messages.commit([{ message: sms(), target: undefined }]);
        await server.stop();
        const err = await s.messages.commit([{ message: sms(), target: undefined }]).catch((e: unknown) => e);
        expect(isNowsmsError(err, 'NOWSMS_ERR_STORE')).toBe(true);
        expect((err as { temporary: boolean }).temporary).toBe(true);
        const read = await s.messages.list().catch((e: unknown) => e);
        expect((read as { temporary: boolean }).temporary).toBe(true);
        await server.start();
        // The pool drops the dead connections and opens new ones by itself: the very next commit works.
        const m = sms();
        await s.messages.commit([{ message: m, target: undefined }]);
        expect((await s.messages.list()).map((x) => x.id)).toContain(m.id);
      } finally {
        await s.close();
      }
    } finally {
      await server.destroy();
    }
  });

  it('a session cut in the middle of a write (pg_terminate_backend) fails that write temporarily, and the next one works', async () => {
    const { server, database } = await fresh();
    const s = await store(server, database);
    await s.messages.commit([toConnection()]);
    // Hold the write lock from outside, so that the next commit is surely in flight (waiting for it) when its session is cut.
    const holder = new pg.Client({ connectionString: server.url(database) });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${WRITE_LOCK})`);
      const blocked = s.messages.commit([toConnection()]).catch((e: unknown) => e);
      await waitFor('the commit waiting for the write lock', async () => {
        const r = await holder.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [database]);
        return (r.rows[0] as { n: number }).n > 0;
      });
      await holder.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      const err = await blocked;
      expect(isNowsmsError(err, 'NOWSMS_ERR_STORE')).toBe(true);
      expect((err as { temporary: boolean }).temporary).toBe(true);
      await holder.query(`SELECT pg_advisory_unlock(${WRITE_LOCK})`);
    } finally {
      await holder.end();
    }
    const m = sms();
    await s.messages.commit([{ message: m, target: undefined }]);
    expect((await s.messages.get(m.id))?.id).toBe(m.id);
  });

  it('sessions cut again and again under a stream of writes: no error escapes, any failed write failed temporarily, and the next ones work', async () => {
    const { server, database } = await fresh();
    const s = await store(server, database);
    let writing = true;
    const errors: unknown[] = [];
    let committed = 0;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) {
        try {
          await s.messages.commit([toConnection()]);
          committed++;
        } catch (e) {
          errors.push(e);
        }
      }
    });
    // Cut every session of this database, again and again, while commits are in flight.
    for (let i = 0; i < 5; i++) {
      const before = committed;
      while (committed === before) await new Promise((r) => setTimeout(r, 5));
      await server.admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    }
    writing = false;
    await Promise.all(writers);
    // Whether a cut lands on a write in flight or on an idle connection varies; either way nothing escapes
    // (an error event of a connection nobody listens to would end the process) and nothing is permanent.
    for (const e of errors) {
      expect(isNowsmsError(e, 'NOWSMS_ERR_STORE')).toBe(true);
      expect((e as { temporary: boolean }).temporary).toBe(true);
    }
    // A pooled connection whose cut the client has not read yet (the signal raced the next checkout) fails
    // the one write it is given, temporarily, and is dropped: with 4 connections in the pool, the store
    // takes writes again by the 5th try at the latest, without anyone reopening it.
    const m = sms();
    let tries = 0;
    for (;;) {
      tries++;
      try {
        await s.messages.commit([{ message: m, target: undefined }]);
        break;
      } catch (e) {
        expect((e as { temporary: boolean }).temporary).toBe(true);
        if (tries > 4) throw e;
      }
    }
    expect((await s.messages.get(m.id))?.id).toBe(m.id);
  });

  it("another node's commit wakes this node's followers (LISTEN/NOTIFY), and a node's own commit does not wake it twice", async () => {
    const { server, database } = await fresh();
    const a = await store(server, database, 'a');
    const b = await store(server, database, 'b');
    let ownWakes = 0;
    a.events.onAppend(() => ownWakes++);
    const woken = new Promise<void>((resolve) => b.events.onAppend(() => resolve()));
    await a.messages.commit([{ message: sms(), target: undefined }]);
    await woken; // the test times out if the notification never comes
    expect(await b.events.changesSince(0, 10)).toHaveLength(1);
    // Its own NOTIFY comes back to a's listener too; a's followers were woken by the commit itself.
    const wokenA = nextWake(a);
    await b.messages.commit([{ message: sms(), target: undefined }]);
    await wokenA;
    expect(ownWakes).toBe(2);
  });

  it("tells its followers the changes of its own and another node's commits and completions, as the log reads them", async () => {
    const { server, database } = await fresh();
    const a = await store(server, database, 'a');
    const b = await store(server, database, 'b');
    const toldA: (readonly StatusChange[] | undefined)[] = [];
    const toldB: (readonly StatusChange[] | undefined)[] = [];
    a.events.onAppend((changes) => toldA.push(changes));
    b.events.onAppend((changes) => toldB.push(changes));
    const m1 = sms();
    const m2 = sms({ direction: 'MO', via: 'modem1' });
    await a.messages.commit([
      { message: m1, target: { kind: 'connection', id: 'smsc' } },
      { message: m2, target: undefined },
    ]);
    await a.queues.lease('smsc', soon(), 10);
    await a.queues.complete(m1.id, 'remote id r1', ['r1']);
    const log = await a.events.changesSince(0, 10);
    expect(log.map((c) => c.status)).toEqual(['queued', 'received', 'sent']);
    // a hears of its commits on the turn after its callers; b through NOTIFY, with the changes in it.
    await waitFor('both nodes to hear of both commits', () => toldA.length === 2 && toldB.length === 2);
    expect(toldA.flatMap((t) => t ?? [])).toEqual(log);
    expect(toldB).toEqual([log.slice(0, 2), log.slice(2)]);
  });

  it('a transaction whose changes do not fit one notification tells the other nodes in several, in order; a one-statement group, or a change too long for any, makes them read', async () => {
    const { server, database } = await fresh();
    const a = await store(server, database, 'a');
    const b = await store(server, database, 'b');
    const told: (readonly StatusChange[] | undefined)[] = [];
    b.events.onAppend((changes) => told.push(changes));
    // About 150 bytes per change: 100 of them are well over the 8000 bytes a NOTIFY payload holds. Messages
    // with an idempotency key are written by a transaction of statements.
    const keyed = Array.from({ length: 100 }, (_, i) => ({ ...toConnection(), idempotencyKey: `k${i}` }));
    await a.messages.commit(keyed);
    await waitFor('b to hear of all of it', () => told.flat().length === 100);
    expect(told.length).toBeGreaterThan(1);
    expect(told.every((c) => c !== undefined)).toBe(true);
    expect(told.flat().map((c) => c!.messageId)).toEqual(keyed.map((i) => i.message.id));
    expect(told.flat().map((c) => c!.seq)).toEqual((await b.events.changesSince(0, 1000)).map((c) => c.seq));
    // A group of plain submissions is one statement, which notifies once: b is woken without them, and reads.
    told.length = 0;
    await a.messages.commit(Array.from({ length: 100 }, () => toConnection()));
    await waitFor('b to hear of the plain ones', () => told.length === 1);
    expect(told).toEqual([undefined]);
    expect(await b.events.changesSince(0, 1000)).toHaveLength(200);
    // A change whose detail alone passes 8000 bytes, between two that fit: those two are told, the long one read.
    told.length = 0;
    const long = { message: sms(), target: undefined, detail: 'no route: '.padEnd(9000, 'x') };
    const around = [toConnection(), long, toConnection()].map((i, n) => ({ ...i, idempotencyKey: `long${n}` }));
    await a.messages.commit(around);
    await waitFor('b to hear of the three', () => told.length >= 3);
    expect(
      told
        .flat()
        .filter((c) => c !== undefined)
        .map((c) => c!.messageId),
    ).toEqual([around[0]!.message.id, around[2]!.message.id]);
    expect(told).toContain(undefined);
    expect((await b.events.changesSince(0, 1000)).map((c) => c.messageId).slice(-3)).toEqual(around.map((i) => i.message.id));
  });

  it('commits and completions that arrive together are one transaction, told to the other node as the log reads them; a completion of an unknown message fails alone', async () => {
    const { server, database } = await fresh();
    const a = await store(server, database, 'a');
    const b = await store(server, database, 'b');
    await a.messages.commit([toConnection(), toConnection()]);
    const leased = await a.queues.lease('smsc1', soon(), 2);
    const told: (readonly StatusChange[] | undefined)[] = [];
    b.events.onAppend((changes) => told.push(changes));
    // A user's MT messages are not committed apart (a later charge of that user counts them).
    const items = [toConnection('alice'), toConnection('alice')];
    const results = await Promise.allSettled([
      a.queues.complete(leased[0]!.messageId, 'remote id r1', ['r1']),
      a.messages.commit(items.slice(0, 1)),
      a.queues.complete('no-such-message', undefined),
      a.messages.commit(items.slice(1)),
      a.queues.complete(leased[1]!.messageId, 'remote id r2', ['r2']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason.message).toMatch(/no-such-message is not in the store/);
    const written = await query<{ n: number }>(
      server,
      database,
      `SELECT count(DISTINCT xmin::text)::int AS n FROM status_history WHERE message_id IN ('${[...leased.map((e) => e.messageId), ...items.map((i) => i.message.id)].join("','")}') AND id > 2`,
    );
    expect(written).toEqual([{ n: 1 }]);
    await waitFor('b to hear of them', () => told.flat().length === 4);
    const log = await b.events.changesSince(2, 10);
    expect(told.flat()).toEqual(log);
    expect(log.map((c) => [c.messageId, c.status]).sort()).toEqual(
      [...leased.map((e) => [e.messageId, 'sent']), ...items.map((i) => [i.message.id, 'queued'])].sort(),
    );
    expect(await b.queues.lease('smsc1', soon(), 10)).toHaveLength(2);
    expect((await b.messages.summary(leased[1]!.messageId))?.status).toBe('sent');
  });

  it('commits made together share one transaction (group commit)', async () => {
    const { server, database } = await fresh();
    const s = await store(server, database);
    await Promise.all(Array.from({ length: 50 }, () => s.messages.commit([toConnection()])));
    // xmin: the transaction that wrote the row.
    expect(await query(server, database, 'SELECT count(DISTINCT xmin::text)::int AS n, count(*)::int AS m FROM messages')).toEqual([{ n: 1, m: 50 }]);
  });

  it('completing messages finds their queue entries by key: a long queue is not read whole for every batch, however short it was at first', async () => {
    const { server, database } = await fresh();
    const s = await store(server, database);
    // A completion beside another write shares a transaction of statements with it (not the one-statement path).
    const completeOne = async () => {
      const [first, second] = await s.queues.lease('smsc1', soon(), 2);
      await Promise.all([s.queues.complete(first!.messageId, 'remote id r1', ['r1']), s.queues.retry(second!.messageId, soon(), 'busy', true)]);
      expect((await s.messages.summary(first!.messageId))?.status).toBe('sent');
    };
    // First with two messages queued (writes plan their statements once per connection: here, for a short
    // queue), then with three thousand.
    await s.messages.commit([toConnection(), toConnection()]);
    await completeOne();
    await s.messages.commit(Array.from({ length: 3000 }, () => toConnection()));
    await completeOne();
    await s.close();
    // Rows read by whole-table scans.
    expect((await queueCounters(server, database, (c) => c.n_tup_del === 2)).seq_tup_read).toBeLessThan(3000);
  });

  it('a lease leaves the indexes alone: the queue keeps room in its pages for the leased copy of each entry', async () => {
    const { server, database } = await fresh();
    const s = await store(server, database);
    await s.messages.commit(Array.from({ length: 500 }, () => toConnection()));
    expect(await s.queues.lease('smsc1', soon(), 500)).toHaveLength(500);
    await s.close();
    // Most are heap-only updates: no new index entries, no new page (with full pages, none was: 0 of 500).
    expect((await queueCounters(server, database, (c) => c.n_tup_upd === 500)).n_tup_hot_upd).toBeGreaterThanOrEqual(375);
  });

  it("releaseLeases() hands back this node's own leases only; releaseLeases(connection) every lease on it", async () => {
    const { server, database } = await fresh();
    const a = await store(server, database, 'a');
    const b = await store(server, database, 'b');
    await a.messages.commit(Array.from({ length: 4 }, () => toConnection()));
    expect(await a.queues.lease('smsc1', soon(), 2)).toHaveLength(2);
    expect(await b.queues.lease('smsc1', soon(), 2)).toHaveLength(2);
    // a restarts: what it held comes back; b is alive and sending, what it holds stays with it.
    await a.queues.releaseLeases();
    expect(await a.queues.lease('smsc1', soon(), 4)).toHaveLength(2);
    // b takes the connection over from a (a died): every lease on it comes back.
    await b.queues.releaseLeases('smsc1');
    expect(await b.queues.lease('smsc1', soon(), 4)).toHaveLength(4);
    // An entry committed leased (handed to a's dispatcher in memory) is a's own lease too.
    const handed = { ...toConnection(), leasedUntil: new Date(Date.now() + 3_600_000) };
    await a.messages.commit([handed]);
    await b.queues.releaseLeases();
    expect((await b.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId)).not.toContain(handed.message.id);
    await a.queues.releaseLeases();
    expect((await b.queues.lease('smsc1', soon(), 10)).map((e) => e.messageId)).toEqual([handed.message.id]);
  });
});

describe.skipIf(missingPostgres())('store-postgres over TLS', () => {
  let server: PostgresServer | undefined;
  const opened: PostgresStore[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
    await server?.destroy();
  });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => new Error('opened'),
      (e: unknown) => e as Error,
    );

  it("connects over TLS with the server's certificate checked, set by the URL or by the ssl option; a plain or unverified connection is a clear error", async () => {
    const cert = makeCertificate();
    server = await startPostgres({ tls: cert });
    const database = await server.createDatabase();
    // By the URL alone, as an operator writes NOWSMS_DATABASE_URL.
    const byUrl = await openPostgresStore({
      url: `${server.url(database)}?sslmode=verify-full&sslrootcert=${encodeURIComponent(cert.certFile)}`,
      nodeId: 'a',
      poolSize: 2,
    });
    opened.push(byUrl);
    const m = sms();
    await byUrl.messages.commit([{ message: m, target: { kind: 'connection', id: 'smsc1' } }]);
    // By the option: the authority's certificate as PEM text.
    const byOption = await openPostgresStore({ url: server.url(database), ssl: { ca: readFileSync(cert.certFile, 'utf8') }, nodeId: 'b', poolSize: 2 });
    opened.push(byOption);
    expect(await byOption.messages.get(m.id)).toEqual(m);
    // Every session of both stores (pools and LISTEN connections) is encrypted.
    const sessions = await server.admin<{ ssl: boolean }>(
      "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'nowsms' AND a.datname = $1",
      [database],
    );
    expect(sessions.rows.length).toBeGreaterThanOrEqual(4);
    expect(sessions.rows.every((r) => r.ssl)).toBe(true);

    const plain = await failure(openPostgresStore({ url: server.url(database), ssl: false, nodeId: 'c', connectTimeoutMs: 5000 }));
    expect(isNowsmsError(plain, 'NOWSMS_ERR_STORE')).toBe(true);
    expect(plain.message).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:\d+.*no encryption/);
    // A server whose certificate no authority the store trusts has signed.
    const stranger = makeCertificate();
    const untrusted = await failure(
      openPostgresStore({ url: server.url(database), ssl: { ca: readFileSync(stranger.certFile, 'utf8') }, nodeId: 'd', connectTimeoutMs: 5000 }),
    );
    expect(isNowsmsError(untrusted, 'NOWSMS_ERR_STORE')).toBe(true);
    expect(untrusted.message).toMatch(/cannot connect to PostgreSQL at .*certificate/i);
  }, 60_000);
});
