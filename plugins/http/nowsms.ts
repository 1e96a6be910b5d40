// NowSMS's send URL: GET or POST / with PhoneNumber, Text, Sender, ... The answer contains "Message Submitted"
// and one MessageID= line per recipient, as NowSMS's does: existing integrations search the page for them.
import type { Part, PluginApi, StoredUser } from 'nowsms';
import { HttpError } from './errors.ts';
import type { Params } from './params.ts';
import { hexOf, recipients, submitRequest, type OnSubmitted, type SendRequest } from './submission.ts';

const yes = (v: string | undefined) => v !== undefined && /^(yes|y|true|1|on)$/i.test(v.trim());

function octet(params: Params, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined || v === '') return undefined;
  if (!/^[0-9a-fA-F]{1,2}$/.test(v)) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `${name} must be one octet in hexadecimal (such as F5)`);
  return parseInt(v, 16);
}

/** The parameters of one send request as a SendRequest (nothing checked against the store yet). */
export function sendRequestOf(api: PluginApi, params: Params, maxRecipients: number): SendRequest {
  const phones = [...params.all('PhoneNumber'), ...params.all('Phone')];
  if (phones.length === 0)
    throw new HttpError(400, 'NOWSMS_ERR_ADDRESS', 'PhoneNumber is missing: give the recipient(s), comma-separated (PhoneNumber=+447700900123)');
  const to = recipients(api, phones, maxRecipients);
  const isMms = ['MMSSubject', 'MMSText', 'MMSFrom'].some((n) => params.has(n)) || params.uploads.some((u) => /^mmsfile/i.test(u.field));
  const delay = params.get('DelayUntil');
  const base = {
    to,
    api: 'nowsms' as const,
    ...(delay ? { delayUntil: delayUntilOf(delay) } : {}),
    ...(params.get('SMSCRoute') ? { connection: params.get('SMSCRoute')! } : {}),
    ...(yes(params.get('ReceiptRequested')) ? { receipt: true } : {}),
  };
  if (isMms) {
    const parts: Part[] = params.uploads
      .filter((u) => /^mmsfile/i.test(u.field))
      .map((u) => ({ contentType: u.contentType, data: u.data, ...(u.filename ? { name: u.filename } : {}) }));
    const text = params.get('MMSText');
    const subject = params.get('MMSSubject');
    const from = params.get('MMSFrom') ?? params.get('Sender');
    return { ...base, kind: 'mms', ...(text ? { text } : {}), ...(subject ? { subject } : {}), parts, ...(from ? { from } : {}) };
  }
  const sender = params.get('Sender');
  const data = params.get('Data');
  if (data !== undefined || yes(params.get('Binary'))) {
    if (!data) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'a binary SMS needs Data (the octets in hexadecimal)');
    const udh = params.get('UDH');
    const protocolId = octet(params, 'PID');
    const dcs = octet(params, 'DCS');
    return {
      ...base,
      kind: 'sms',
      binary: {
        data: hexOf(data, 'Data'),
        ...(udh ? { udh: hexOf(udh, 'UDH') } : {}),
        ...(protocolId !== undefined ? { protocolId } : {}),
        ...(dcs !== undefined ? { dcs } : {}),
      },
      ...(sender ? { from: sender } : {}),
    };
  }
  const text = params.get('Text');
  if (text === undefined || text === '') throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'Text is missing: give the message text (Text=...)');
  return { ...base, kind: 'sms', text, ...(sender ? { from: sender } : {}) };
}

/**
 * NowSMS's DelayUntil: `YYYYMMDDHHMM[SS]` in the server's local time, as NowSMS reads it; an ISO 8601 time
 * with its zone is taken too. A time in the past sends at once.
 */
export function delayUntilOf(value: string): Date {
  const v = value.trim();
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(v);
  const d = m ? new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : undefined;
  const valid = d && !Number.isNaN(d.getTime()) && (!m || (d.getMonth() === +m[2]! - 1 && d.getDate() === +m[3]! && d.getHours() === +m[4]!));
  if (!valid)
    throw new HttpError(
      400,
      'NOWSMS_ERR_BAD_REQUEST',
      `DelayUntil=${value}: give YYYYMMDDHHMMSS (server time) or an ISO 8601 time such as 2026-12-24T18:00:00Z`,
    );
  return d;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function nowsmsSend(api: PluginApi, user: StoredUser, params: Params, maxRecipients: number, onSubmitted?: OnSubmitted): Promise<string> {
  const submitted = await submitRequest(api, user, sendRequestOf(api, params, maxRecipients), onSubmitted);
  const lines = submitted.map((s) => `<br>MessageID=${s.id}, Recipient=${escapeHtml(s.to)}`);
  return `<html><head><title>Message Submitted</title></head><body>\nMessage Submitted\n${lines.join('\n')}\n</body></html>\n`;
}

/** A refusal in NowSMS's style: a page that says ERROR and why. */
export function nowsmsError(err: HttpError): string {
  return `<html><head><title>Error</title></head><body>\nERROR: ${escapeHtml(err.message)}\n</body></html>\n`;
}
