// Kannel's smsbox send interface, /cgi-bin/sendsms: username, password, from, to (space-separated), text,
// dlr-mask, dlr-url, and the binary fields udh/coding. Answers as Kannel does ("0: Accepted for delivery",
// 202), so a Kannel user's scripts keep working against the same path.
import type { PluginApi, StoredUser } from 'nowsms';
import { HttpError } from './errors.ts';
import type { Params } from './params.ts';
import { recipients, submitRequest, type OnSubmitted, type SendRequest } from './submission.ts';

/** Kannel's DLR mask bits: 1 delivered, 2 undeliverable, 4 buffered (queued), 8 SMSC accepted (sent), 16 SMSC rejected (failed). */
export const KANNEL_DLR = { delivered: 1, undeliverable: 2, queued: 4, retrying: 4, sent: 8, failed: 16 } as const;

export function kannelRequestOf(api: PluginApi, params: Params, maxRecipients: number): SendRequest {
  const toParam = params.get('to');
  if (toParam === undefined || toParam.trim() === '') throw new HttpError(400, 'NOWSMS_ERR_ADDRESS', 'Missing receiver number (to=)');
  const to = recipients(api, toParam.split(/[\s,]+/), maxRecipients);
  const text = params.get('text');
  const udh = params.get('udh');
  const mask = params.get('dlr-mask');
  const url = params.get('dlr-url');
  if (mask !== undefined && !/^\d{1,2}$/.test(mask))
    throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'dlr-mask must be a number (1 delivered + 2 failed + 4 buffered + 8 SMSC ok + 16 SMSC failed)');
  if (url !== undefined && !/^https?:\/\//i.test(url)) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'dlr-url must be an http:// or https:// URL');
  const base = {
    to,
    api: 'kannel' as const,
    ...(params.get('from') ? { from: params.get('from')! } : {}),
    ...(params.get('smsc') ? { connection: params.get('smsc')! } : {}),
    ...(url !== undefined && mask !== undefined && Number(mask) > 0 ? { callback: { url, kannelMask: Number(mask) }, receipt: (Number(mask) & 3) !== 0 } : {}),
  };
  const coding = params.get('coding');
  if (udh !== undefined || coding === '1') {
    // Kannel takes udh and 8-bit text as raw bytes, URL-encoded: the parameter's latin1 code units are the octets.
    const data = Buffer.from(text ?? '', 'latin1');
    return { ...base, kind: 'sms', binary: { data, ...(udh ? { udh: Buffer.from(udh, 'latin1') } : {}) } };
  }
  if (text === undefined || text === '') throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'Missing text (text=)');
  return { ...base, kind: 'sms', text };
}

export async function kannelSend(api: PluginApi, user: StoredUser, params: Params, maxRecipients: number, onSubmitted?: OnSubmitted): Promise<string> {
  const submitted = await submitRequest(api, user, kannelRequestOf(api, params, maxRecipients), onSubmitted);
  return submitted.length === 1 ? '0: Accepted for delivery' : `0: Accepted for delivery (${submitted.length} messages)`;
}

/** Kannel's dlr-url escapes: %d DLR type, %p receiver, %P sender, %A detail, %T time (epoch s), %I message id, %% a percent. */
export function kannelDlrUrl(template: string, v: { type: number; to: string; from: string; detail: string; at: Date; id: string }): string {
  const map: Record<string, string> = {
    d: String(v.type),
    p: v.to,
    P: v.from,
    A: v.detail,
    T: String(Math.floor(v.at.getTime() / 1000)),
    I: v.id,
    '%': '%',
  };
  return template.replace(/%([dpPATI%])/g, (_m, k: string) => (k === '%' ? '%' : encodeURIComponent(map[k]!)));
}
