// The shared SMS PDU vectors (../shared/vectors/sms) as typed records, plus readers for the
// value formats they use (ISO timestamps with offsets, ISO durations).
import type { SmsTimestampInput } from '../../../../core/codecs/pdu/index.ts';
import { readVectors } from '../../../helpers/vectors.ts';

export interface SmsVector {
  id: string;
  pdu: string;
  type: 'submit' | 'deliver' | 'status-report' | 'invalid';
  direction: 'encode' | 'decode' | 'both' | 'decode-negative';
  pdu_has_smsc: boolean;
  source: string;
  note?: string;
  also_in?: string[];
  smsc?: string | null;
  sender?: string;
  sender_type?: string;
  sender_toa?: number;
  recipient?: string;
  recipient_toa?: number;
  first_octet?: number;
  text?: string;
  text_full_message?: string;
  text_non_strict?: string;
  encoding?: 'gsm7' | 'ucs2' | '8bit';
  dcs?: number;
  pid?: number;
  message_class?: number;
  status_report_request?: boolean;
  timestamp?: string;
  timestamp_utc?: string;
  scts?: string;
  scts_utc?: string;
  discharge?: string;
  discharge_utc?: string;
  validity_relative?: string;
  validity_absolute?: string;
  message_reference?: number;
  status?: number;
  status_name?: string;
  parameter_indicator?: number;
  tpdu_length?: number;
  udh?: { iei: number; ref: number; parts: number; part: number };
  udh_ports?: { dest: number; orig: number };
  part_index?: number;
  part_count?: number;
  wap_push?: string;
  library_specific?: Record<string, string>;
  expect_error?: string;
  expect_error_strict?: string;
  params?: {
    tp_mr?: number;
    validity?: null;
    validity_relative?: string;
    validity_absolute?: string;
    class?: number;
    request_status?: boolean;
    requestStatusReport?: boolean;
    rejectDuplicates?: boolean;
    rand_id?: number;
    fmt?: number;
  };
}

const FILE = readVectors<{ format: string; count: number; vectors: SmsVector[] }>('sms/sms_pdu_vectors.json');
export const VECTOR_FORMAT = FILE.format;
export const VECTOR_COUNT = FILE.count;
export const VECTORS = FILE.vectors;

export function vector(id: string): SmsVector {
  const v = VECTORS.find((x) => x.id === id);
  if (!v) throw new Error(`vector ${id} missing`);
  return v;
}

/** "2013-03-08T15:02:16+02:00" as the encoder takes it; a naive "2010-07-25T20:15:39 (...)" is UTC. */
export function timestampInput(text: string): SmsTimestampInput {
  const zoned = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-])(\d\d):(\d\d)$/.exec(text);
  if (zoned) {
    const [, , sign, hours, minutes] = zoned;
    return { date: new Date(text), tzMinutes: (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) };
  }
  const naive = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\b/.exec(text);
  if (!naive) throw new Error(`cannot read timestamp ${text}`);
  return { date: new Date(`${naive[1]}Z`), tzMinutes: 0 };
}

/** The vectors write UTC instants without milliseconds. */
export function utcIso(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** P4D, P52W: the only ISO 8601 durations the vectors use. */
export function durationMinutes(text: string): number {
  const m = /^P(\d+)([DW])$/.exec(text);
  if (!m) throw new Error(`cannot read duration ${text}`);
  return Number(m[1]) * (m[2] === 'W' ? 7 * 24 * 60 : 24 * 60);
}
