// Message ids: sortable by time, unique across processes, safe as POP3 UIDs and SMPP message ids.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/** 10 base-36 chars of milliseconds, 2 of a per-ms sequence, 8 random: 20 chars, [0-9a-z]. */
export function newMessageId(now = Date.now()): string {
  if (now === lastMs) seq++;
  else {
    lastMs = now;
    seq = 0;
  }
  const rand = randomBytes(6).readUIntBE(0, 6).toString(36).padStart(8, '0').slice(-8);
  return now.toString(36).padStart(10, '0') + (seq % 1296).toString(36).padStart(2, '0') + rand;
}
