// The JSON API (/api/v1): submit (one or many recipients, SMS or MMS, Idempotency-Key), one message with its
// history, the user's messages a page at a time. Shapes in openapi.ts; every body is checked against them.
import type { MessageSummary, PluginApi, StoredUser } from 'nowsms';
import { HttpError } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { checkSchema } from './schema-check.ts';
import { recipients, submitRequest, type OnSubmitted, type SendRequest } from './submission.ts';

const doc = openApiDocument();

interface SubmitBody {
  to: string | string[];
  kind?: 'sms' | 'mms';
  text?: string;
  from?: string;
  subject?: string;
  parts?: Array<{ contentType: string; name?: string; data: string }>;
  connection?: string;
  receipt?: boolean;
  callbackUrl?: string;
  delayUntil?: string;
}

function statusOfTarget(t: { kind: string } | undefined): string {
  if (!t) return 'no-route';
  return t.kind === 'mailbox' ? 'in-mailbox' : t.kind === 'connection' ? 'queued' : 'received';
}

export async function restSubmit(
  api: PluginApi,
  user: StoredUser,
  body: unknown,
  idempotencyKey: string | undefined,
  maxRecipients: number,
  onSubmitted?: OnSubmitted,
) {
  const problem = checkSchema(body, { $ref: '#/components/schemas/Submit' }, doc);
  if (problem) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', problem);
  if (idempotencyKey !== undefined && (idempotencyKey === '' || idempotencyKey.length > 200))
    throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'Idempotency-Key: 1 to 200 characters');
  const b = body as SubmitBody;
  const kind = b.kind ?? 'sms';
  const req: SendRequest = {
    to: recipients(api, Array.isArray(b.to) ? b.to : [b.to], maxRecipients),
    kind,
    api: 'rest',
    ...(b.text !== undefined ? { text: b.text } : {}),
    ...(b.from !== undefined ? { from: b.from } : {}),
    ...(b.subject !== undefined ? { subject: b.subject } : {}),
    ...(b.connection !== undefined ? { connection: b.connection } : {}),
    ...(b.receipt ? { receipt: true } : {}),
    ...(b.delayUntil !== undefined ? { delayUntil: new Date(b.delayUntil) } : {}),
    ...(b.callbackUrl !== undefined ? { callback: { url: b.callbackUrl } } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(b.parts
      ? {
          parts: b.parts.map((p, i) => {
            if (!/^[A-Za-z0-9+/=\s]*$/.test(p.data)) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', `body.parts[${i}].data: must be base64`);
            return { contentType: p.contentType, data: Buffer.from(p.data, 'base64'), ...(p.name !== undefined ? { name: p.name } : {}) };
          }),
        }
      : {}),
  };
  if (kind === 'sms' && b.parts) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'body.parts: an SMS has only text; use kind "mms"');
  const submitted = await submitRequest(api, user, req, onSubmitted);
  const duplicate = submitted.length > 0 && submitted.every((s) => s.duplicate);
  return {
    status: duplicate ? 200 : 201,
    body: { messages: submitted.map((s) => ({ id: s.id, to: s.to, status: statusOfTarget(s.accepted.target), duplicate: s.duplicate })) },
  };
}

export function messageView(m: MessageSummary) {
  return {
    id: m.id,
    direction: m.direction,
    kind: m.kind,
    from: m.from,
    to: m.to,
    ...(m.subject !== undefined ? { subject: m.subject } : {}),
    status: m.status,
    receivedAt: m.receivedAt.toISOString(),
    history: m.history.map((h) => ({ at: h.at.toISOString(), status: h.status, ...(h.detail ? { detail: h.detail } : {}) })),
  };
}

/** A message this user may see: one they sent or one in their mailbox; an admin sees every message. */
export async function restMessage(api: PluginApi, user: StoredUser, id: string) {
  const m = await api.stores.messages.summary(id);
  if (!m || (m.user !== user.name && !user.httpAdmin)) throw new HttpError(404, 'NOWSMS_ERR_NOT_FOUND', `no message ${id}`);
  return messageView(m);
}

export async function restList(api: PluginApi, user: StoredUser, query: { cursor?: string; limit?: string }) {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'limit: a whole number from 1 to 500');
  if (query.cursor !== undefined && !/^[0-9a-z]{1,40}$/.test(query.cursor))
    throw new HttpError(400, 'NOWSMS_ERR_BAD_REQUEST', 'cursor: give the nextCursor of the previous page');
  const page = await api.stores.messages.list({ user: user.name, limit: limit + 1, ...(query.cursor ? { before: query.cursor } : {}) });
  const more = page.length > limit;
  const messages = page.slice(0, limit);
  return { messages: messages.map(messageView), ...(more ? { nextCursor: messages.at(-1)!.id } : {}) };
}
