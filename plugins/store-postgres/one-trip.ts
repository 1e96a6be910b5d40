// Statements sent together as one simple query: one round trip for all of them, which the server runs as
// one transaction of their own (a SET LOCAL holds for them alone; a failure undoes them all). Every other
// write takes a round trip for BEGIN, one per statement and one for COMMIT: a queue lease, which needs
// planner settings around its one statement, took three. The price: no parameters, so values go in as
// literals (strings escaped by pg, numbers checked), and the statement is parsed each time.
import { NowsmsError } from 'nowsms';
import type pg from 'pg';
import { guard } from './db.ts';
import { storeError } from './errors.ts';

/** How a value is written into the SQL. */
export interface Literals {
  text(value: string): string;
  int(value: number): string;
}

export class OneTrip {
  private closed = false;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
  ) {}

  /** Runs the statements `build` writes; the rows of the last one. */
  run<R extends pg.QueryResultRow>(build: (literal: Literals) => string): Promise<R[]> {
    if (this.closed) return Promise.reject(new NowsmsError('NOWSMS_ERR_STORE', `store ${this.where} is closed`));
    const trip = this.trip<R>(build);
    this.running.add(trip);
    const done = () => this.running.delete(trip);
    trip.then(done, done);
    return trip;
  }

  /** Refuses new trips and waits for those under way. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.running);
  }

  private async trip<R extends pg.QueryResultRow>(build: (literal: Literals) => string): Promise<R[]> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
      guard(client);
    } catch (e) {
      throw storeError(this.where, e);
    }
    let text = '';
    let failed: Error | undefined;
    try {
      text = build({ text: (v) => client.escapeLiteral(v), int });
      const results = (await client.query<R>(text)) as unknown as pg.QueryResult<R> | pg.QueryResult<R>[];
      return (Array.isArray(results) ? results.at(-1)! : results).rows;
    } catch (e) {
      failed = e as Error;
      throw storeError(this.where, e, text || undefined);
    } finally {
      // After a failure the connection goes rather than back to the pool: whatever state it is in.
      client.release(failed);
    }
  }
}

function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new NowsmsError('NOWSMS_ERR_STORE', `not an integer: ${value}`);
  return String(value);
}
