// The 20 shared MMS PDU vectors (../shared/vectors/mms), with each one's MMS PDU octets found for it.
import { readVectors } from '../../../helpers/vectors.ts';

export interface MmsVector {
  id: string;
  message_type?: string;
  direction?: 'encode' | 'decode-negative';
  base64?: string;
  mms_pdu_hex?: string;
  mms_pdu_offset?: number;
  wsp_push_hex?: string;
  input?: Record<string, string>;
  expected_prefix_hex?: string;
  expected: null | {
    headers?: Record<string, unknown>;
    part_count?: number;
    content_type?: string;
    parts?: { index: number; content_type?: string; data_text?: string; data_hex?: string; content_type_parameters?: Record<string, string> }[];
    fields?: Record<string, string | number>;
    error?: boolean;
  };
}

const file = readVectors<{ format: string; count: number; vectors: MmsVector[] }>('mms/mms_pdu_vectors.json');
export const MMS_VECTOR_FORMAT = file.format;
export const MMS_VECTOR_COUNT = file.count;
export const MMS_VECTORS = file.vectors;

/** The MMS PDU itself: a WSP push's payload starts at mms_pdu_offset. */
export function pduBytes(v: MmsVector): Buffer {
  if (v.mms_pdu_hex) return Buffer.from(v.mms_pdu_hex, 'hex');
  if (v.expected_prefix_hex) return Buffer.from(v.expected_prefix_hex, 'hex');
  const all = Buffer.from(v.base64!, 'base64');
  return v.mms_pdu_offset ? all.subarray(v.mms_pdu_offset) : all;
}

export function mmsVector(id: string): MmsVector {
  const v = MMS_VECTORS.find((x) => x.id === id);
  if (!v) throw new Error(`no MMS vector ${id}`);
  return v;
}

/** Every vector that holds a PDU we must decode (all but the HTML page). */
export const DECODABLE = MMS_VECTORS.filter((v) => v.direction !== 'decode-negative');
