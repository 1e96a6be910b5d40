// Message ids: sortable by time, unique across processes, safe as POP3 UIDs and SMPP message ids.
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;

// One call into the CSPRNG per 680 ids instead of one per id: at SMPP intake rates the per-call cost showed.
const RANDOM_BYTES = 6;
const pool = Buffer.alloc(RANDOM_BYTES * 680);
let poolAt = pool.length;

function randomChars(): string {
  if (poolAt + RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const n = pool.readUIntBE(poolAt, RANDOM_BYTES);
  poolAt += RANDOM_BYTES;
  return n.toString(36).padStart(8, '0').slice(-8);
}

/** 10 base-36 chars of milliseconds, 2 of a per-ms sequence, 8 random: 20 chars, [0-9a-z]. */
export function newMessageId(now = Date.now()): string {
  if (now === lastMs) seq++;
  else {
    lastMs = now;
    seq = 0;
  }
  const rand = randomChars();
  return now.toString(36).padStart(10, '0') + (seq % 1296).toString(36).padStart(2, '0') + rand;
}
