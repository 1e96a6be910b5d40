// The PDU-mode answers of 27.005: `+CMGR: <stat>,[<alpha>],<length>` and `+CMGL: <index>,<stat>,[<alpha>],<length>`,
// each followed by a line of hex. The optional <alpha> comes quoted, empty, missing or as bare text with
// spaces depending on the firmware, so only the first fields and the last one (<length>) are trusted.
import { fieldsOf, intOf, isHexLine, prefixOf } from '../at/params.ts';

export interface StoredPdu {
  /** Where it sits in the message storage (AT+CMGR/CMGD index). */
  index: number;
  /** 27.005 <stat>: 0 received unread, 1 received read, 2 stored unsent, 3 stored sent; undefined when the firmware left it out. */
  stat: number | undefined;
  /** <length>: TPDU octets, the SMSC prefix not counted. */
  length: number | undefined;
  pdu: string;
}

export const STAT_NAMES = ['REC UNREAD', 'REC READ', 'STO UNSENT', 'STO SENT', 'ALL'] as const;

interface Header {
  index: number | undefined;
  stat: number | undefined;
  length: number | undefined;
}

function header(line: string, withIndex: boolean): Header {
  const f = fieldsOf(line);
  const last = f.length > (withIndex ? 2 : 1) ? intOf(f.at(-1)) : undefined;
  return withIndex ? { index: intOf(f[0]), stat: intOf(f[1]), length: last } : { index: undefined, stat: intOf(f[0]), length: last };
}

/**
 * Pair each header with the hex line after it. Lines that are neither (noise the engine let through as
 * data) are skipped; a header without its PDU is dropped rather than paired with the next one's.
 */
export function parseStored(lines: string[], command: '+CMGR' | '+CMGL', index?: number): StoredPdu[] {
  const out: StoredPdu[] = [];
  let pending: Header | undefined;
  for (const line of lines) {
    if (prefixOf(line) === command) {
      pending = header(line, command === '+CMGL');
      continue;
    }
    if (!pending || !isHexLine(line)) continue;
    const at = pending.index ?? index;
    if (at !== undefined) out.push({ index: at, stat: pending.stat, length: pending.length, pdu: line.toUpperCase() });
    pending = undefined;
  }
  return out;
}

/**
 * Whether the hex starts with the SMSC address (27.005 says it does; some firmware leaves it out). The
 * <length> settles it when present: whatever the hex holds beyond the TPDU is the SMSC prefix.
 */
export function hasSmscPrefix(pdu: string, length: number | undefined): boolean {
  if (length === undefined) return true;
  return pdu.length / 2 > length;
}
