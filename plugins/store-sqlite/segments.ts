// SegmentStore: parts of concatenated messages, kept on disk until the whole message is committed (the
// commit that consumes them deletes them in the same transaction), so a crash loses no received segment.
// The commit also keeps the idempotency keys of the segments it consumed (consumed_segments), so the same
// segment handed over again afterwards is not taken for the start of a new message.
import type { Segment, SegmentStore } from 'nowsms';
import type { ReadQueue } from './read-queue.ts';
import type { Sql } from './sqlite.ts';
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

const load = async (sql: Sql, key: string) => (await sql.all<SegmentRow>('SELECT * FROM segments WHERE key = ? ORDER BY seq', [key])).map(fromRow);

export function segmentStore(reads: ReadQueue, writes: WriteQueue): SegmentStore {
  return {
    put: (s) =>
      writes.write(async (tx) => {
        // Already part of a committed message: kept no more (what is held for the key is answered as it is).
        const consumed =
          s.idempotencyKey !== undefined && (await tx.get('SELECT 1 AS hit FROM consumed_segments WHERE idempotency_key = ?', [s.idempotencyKey]));
        if (!consumed)
          await tx.run(
            `INSERT OR REPLACE INTO segments (key, seq, total, received_at, from_addr, to_addr, via, content_type, data, meta, idempotency_key)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [s.key, s.seq, s.total, s.receivedAt.getTime(), s.from, s.to, s.via, s.part.contentType, s.part.data, JSON.stringify(s.meta), s.idempotencyKey],
          );
        return load(tx, s.key);
      }),
    get: (key) => reads.read((sql) => load(sql, key)),
    stale: (before) =>
      reads.read(async (sql) =>
        (await sql.all<{ key: string }>('SELECT key FROM segments GROUP BY key HAVING min(received_at) < ? ORDER BY min(received_at)', [before.getTime()])).map(
          (r) => r.key,
        ),
      ),
  };
}
