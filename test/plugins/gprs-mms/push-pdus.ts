// WSP push PDUs built by hand from WAP-230-WSP (§8.2.4.1 Push, §8.4.2 encodings), for the tests; the
// m-notification-ind bodies come from the shared MMS vectors (PDUs other projects' suites decode).
import { readVectors } from '../../helpers/vectors.ts';

interface MmsVector {
  id: string;
  message_type?: string;
  wsp_push_hex?: string;
  mms_pdu_hex?: string;
  mms_pdu_offset?: number | string;
  base64?: string;
}

const vectors = readVectors<{ vectors: MmsVector[] }>('mms/mms_pdu_vectors.json').vectors;

export function mmsVector(id: string): MmsVector {
  const v = vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no MMS vector ${id}`);
  return v;
}

/** A whole WSP push as another project captured it (TID, type, headers and the m-notification-ind). */
export function capturedPush(id: string): { push: Buffer; notification: Buffer } {
  const v = mmsVector(id);
  const push = v.wsp_push_hex ? Buffer.from(v.wsp_push_hex, 'hex') : Buffer.from(v.base64!, 'base64');
  return { push, notification: push.subarray(Number(v.mms_pdu_offset)) };
}

/** The m-notification-ind of a vector, alone. */
export function notification(id: string): Buffer {
  return capturedPush(id).notification;
}

export function uintvar(n: number): Buffer {
  const out = [n & 0x7f];
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
  return Buffer.from(out);
}

export const text = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);
export const short = (n: number): Buffer => Buffer.from([0x80 | n]);

/** Value-length (§8.4.2.2) then the value. */
export function withLength(value: Buffer): Buffer {
  const len = value.length <= 30 ? Buffer.from([value.length]) : Buffer.concat([Buffer.from([31]), uintvar(value.length)]);
  return Buffer.concat([len, value]);
}

/** TID, PDU type, HeadersLen, content type and headers, body. */
export function push(opts: { tid?: number; type?: number; contentType: Buffer; headers?: Buffer[]; body?: Buffer }): Buffer {
  const headers = Buffer.concat([opts.contentType, ...(opts.headers ?? [])]);
  return Buffer.concat([Buffer.from([opts.tid ?? 0x01, opts.type ?? 0x06]), uintvar(headers.length), headers, opts.body ?? Buffer.alloc(0)]);
}

/** X-Wap-Application-Id (0x2F | 0x80) with the MMS user agent's code 4. */
export const APP_ID_MMS = Buffer.from([0xaf, 0x84]);
/** Well-known content type 0x3E: application/vnd.wap.mms-message. */
export const CT_MMS = short(0x3e);

/** An MMS push as an MMSC sends it: well-known content type, X-Wap-Application-Id 4. */
export function mmsPush(body: Buffer, tid = 0x42): Buffer {
  return push({ tid, contentType: CT_MMS, headers: [APP_ID_MMS], body });
}

/** A Service Indication push (application/vnd.wap.sic, 0x2E; the browser's application id, 2): not for MMS. */
export function siPush(): Buffer {
  // A tokenised SI (WAP-167): WBXML 1.1, SI 1.0 public id, UTF-8, <si><indication href="http://..."> text.
  const si = Buffer.from('02050403006a0045c60c03776170707573682e6578616d706c652f0001034e657720636f6e74656e74000101', 'hex');
  return push({ tid: 0x07, contentType: short(0x2e), headers: [Buffer.from([0xaf, 0x82])], body: si });
}
