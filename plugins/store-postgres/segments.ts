// SegmentStore: parts of concatenated messages, kept until the whole message is committed (the commit that
// consumes them deletes them in the same transaction), so a crash loses no received segment. The commit
// also keeps the idempotency keys of the segments it consumed (consumed_segments), so the same segment
// handed over again afterwards is not taken for the start of a new message.
import type pg from 'pg';
import type { Segment, SegmentStore } from 'nowsms';
import { all, run, type Sql } from './db.ts';
import type { WriteQueue } from './write-queue.ts';

interface SegmentRow {
  key: string;
  seq: number;
  total: number;
  received_at: number;
  from_addr: string;
  to_addr: string;
  via: string | null;
  content_type: string;
  data: Buffer;
  meta: string;
  idempotency_key: string | null;
}

function fromRow(r: SegmentRow): Segment {
  const s: Segment = {
    key: r.key,
    seq: r.seq,
    total: r.total,
    receivedAt: new Date(r.received_at),
    from: r.from_addr,
    to: r.to_addr,
    part: { contentType: r.content_type, data: r.data },
    meta: JSON.parse(r.meta) as Record<string, unknown>,
  };
  if (r.via !== null) s.via = r.via;
  if (r.idempotency_key !== null) s.idempotencyKey = r.idempotency_key;
  return s;
}

const load = async (sql: Sql, key: string) => (await all<SegmentRow>(sql, 'SELECT * FROM segments WHERE key = $1 ORDER BY seq', [key])).map(fromRow);

export function segmentStore(pool: pg.Pool, writes: WriteQueue): SegmentStore {
  return {
    put: (s) =>
      writes.write(async (tx) => {
        // Already part of a committed message: kept no more (what is held for the key is answered as it is).
        await run(
          tx,
          `INSERT INTO segments (key, seq, total, received_at, from_addr, to_addr, via, content_type, data, meta, idempotency_key)
           SELECT $1::text, $2::int4, $3::int4, $4::int8, $5::text, $6::text, $7::text, $8::text, $9::bytea, $10::text, $11::text
           WHERE $11::text IS NULL OR NOT EXISTS (SELECT 1 FROM consumed_segments WHERE idempotency_key = $11)
           ON CONFLICT (key, seq) DO UPDATE SET total = excluded.total, received_at = excluded.received_at, from_addr = excluded.from_addr,
             to_addr = excluded.to_addr, via = excluded.via, content_type = excluded.content_type, data = excluded.data,
             meta = excluded.meta, idempotency_key = excluded.idempotency_key`,
          [
            s.key,
            s.seq,
            s.total,
            s.receivedAt.getTime(),
            s.from,
            s.to,
            s.via ?? null,
            s.part.contentType,
            s.part.data,
            JSON.stringify(s.meta),
            s.idempotencyKey ?? null,
          ],
        );
        return load(tx, s.key);
      }),
    get: (key) => load(pool, key),
    stale: async (before) =>
      (
        await all<{ key: string }>(pool, 'SELECT key FROM segments GROUP BY key HAVING min(received_at) < $1 ORDER BY min(received_at)', [before.getTime()])
      ).map((r) => r.key),
  };
}
