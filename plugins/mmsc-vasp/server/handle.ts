// One authenticated MM7 request, from its bytes to its answer: parse (the codec), act (commit MMS, apply
// reports), answer with the matching Rsp. Nothing is answered 1000 before the store has committed it.
import { type Accepted, type ConnectionContext, type Logger, type NewMessage } from 'nowsms';
import { buildMm7, isMm7Error, parseMm7, statusText } from '../mm7/index.ts';
import type {
  DeliverReq,
  DeliveryReportReq,
  Mm7Address,
  Mm7Http,
  Mm7Message,
  Mm7Request,
  Mm7Status,
  Mm7Version,
  ReadReplyReq,
  SubmitReq,
} from '../mm7/types.ts';
import type { Mm7Account } from './accounts.ts';
import { readReplyDetail, reportOutcome, statusOfError } from './status.ts';

export interface Mm7Counters {
  requests: number;
  delivered: number;
  duplicates: number;
  reports: number;
  submitted: number;
  refused: number;
  faults: number;
}

export interface HandlerDeps {
  version: Mm7Version;
  ctx: () => ConnectionContext;
  /** Ids of the outbound MM7 connections (kind `mm7`), for reports of accounts without reportsFor. */
  mm7Connections: () => string[];
  counters: Mm7Counters;
  log: Logger;
}

export interface Answer {
  statusCode: number;
  response: Mm7Http;
}

type RspType = 'SubmitRsp' | 'DeliverRsp' | 'DeliveryReportRsp' | 'ReadReplyRsp';
const RSP_OF: Record<Mm7Request['type'], RspType> = {
  SubmitReq: 'SubmitRsp',
  DeliverReq: 'DeliverRsp',
  DeliveryReportReq: 'DeliveryReportRsp',
  ReadReplyReq: 'ReadReplyRsp',
};

export async function handleMm7(deps: HandlerDeps, account: Mm7Account, request: Mm7Http): Promise<Answer> {
  deps.counters.requests++;
  let message: Mm7Message;
  try {
    message = parseMm7(request);
  } catch (err) {
    return refusedByCodec(deps, account, err);
  }
  switch (message.type) {
    case 'DeliverReq':
      return deliver(deps, account, message);
    case 'DeliveryReportReq':
      return report(deps, account, message);
    case 'ReadReplyReq':
      return readReply(deps, account, message);
    case 'SubmitReq':
      return submit(deps, account, message);
    default:
      deps.counters.faults++;
      return fault(deps, 'Client', `${message.type} is an answer, not a request: post MM7 requests here`, message.transactionId, { code: 4003 });
  }
}

/** What the codec could not read: a SOAP Fault (HTTP 500, as SOAP 1.1 says) or the matching Rsp with its status. */
function refusedByCodec(deps: HandlerDeps, account: Mm7Account, err: unknown): Answer {
  if (!isMm7Error(err)) throw err; // not the codec's: a bug, answered 500 by the HTTP layer
  deps.counters.faults++;
  deps.log.info({ account: account.name, status: err.status.code, why: err.status.details }, 'mm7: request refused: it cannot be read');
  if (!err.fault && err.operation && err.transactionId !== undefined) return rsp(deps, err.operation, err.transactionId, err.status);
  return fault(deps, 'Client', err.message, err.transactionId, err.status);
}

function rsp(deps: HandlerDeps, type: Mm7Request['type'], transactionId: string, status: Mm7Status, extra: { messageId?: string } = {}): Answer {
  const full: Mm7Status = { ...status, text: status.text ?? statusText(status.code) };
  const message = { type: RSP_OF[type], transactionId, status: full, ...(type === 'SubmitReq' ? extra : {}) } as Mm7Message;
  return { statusCode: 200, response: buildMm7(message, deps.version) };
}

function fault(deps: HandlerDeps, faultCode: 'Client' | 'Server', faultString: string, transactionId: string | undefined, status?: Mm7Status): Answer {
  const message: Mm7Message = {
    type: 'Fault',
    faultCode,
    faultString,
    ...(transactionId !== undefined ? { transactionId } : {}),
    ...(status ? { status: { ...status, text: status.text ?? statusText(status.code) } } : {}),
  };
  return { statusCode: 500, response: buildMm7(message, deps.version) };
}

/** A refused commit as the matching Rsp: the store's error says what class of MM7 status. */
function refusedByStore(deps: HandlerDeps, account: Mm7Account, req: Mm7Request, err: unknown): Answer {
  const status = statusOfError(err);
  if (status.code === 3000) deps.log.error({ err, account: account.name, transactionId: req.transactionId }, `mm7: ${req.type} could not be stored`);
  else deps.log.warn({ account: account.name, transactionId: req.transactionId, status: status.code, why: status.details }, `mm7: ${req.type} refused`);
  return rsp(deps, req.type, req.transactionId, status);
}

function recipientsOf(req: DeliverReq | SubmitReq): Mm7Address[] {
  const seen = new Set<string>();
  return [...req.recipients.to, ...req.recipients.cc, ...req.recipients.bcc].filter((a) => {
    const k = `${a.kind}:${a.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The request's recipients when each is a phone number or short code; else the answer that says which is not. */
function phoneRecipients(deps: HandlerDeps, req: DeliverReq | SubmitReq): Mm7Address[] | Answer {
  const to = recipientsOf(req);
  if (to.length === 0) return rsp(deps, req.type, req.transactionId, { code: 4004, details: `the ${req.type} names no recipient` });
  const bad = to.find((a) => phoneOf(a) === undefined);
  if (bad) return rsp(deps, req.type, req.transactionId, { code: 2002, details: `recipient ${bad.value} is not a phone number or short code` });
  return to;
}

function phoneOf(a: Mm7Address): string | undefined {
  return a.kind === 'email' ? undefined : a.value.replace(/\/TYPE=PLMN$/i, '');
}

/**
 * An MMS from a phone: one MO message per recipient. A redelivery (the MMSC did not get our answer) carries
 * the same MessageID, whatever its TransactionID (that names one request/response exchange): the key is the
 * account and the MessageID, so the second one is stored as nothing and answered 1000 again. Without a
 * MessageID the TransactionID is all there is: an MMSC retrying with the same one is recognised.
 */
async function deliver(deps: HandlerDeps, account: Mm7Account, req: DeliverReq): Promise<Answer> {
  const to = phoneRecipients(deps, req);
  if (!Array.isArray(to)) return to;
  let accepted: Accepted[];
  try {
    accepted = await deps.ctx().submit(moMessages(account, req, to));
  } catch (err) {
    return refusedByStore(deps, account, req, err);
  }
  const dup = accepted.filter((a) => a.duplicate).length;
  deps.counters.delivered += accepted.length - dup;
  deps.counters.duplicates += dup;
  if (dup > 0)
    deps.log.info({ account: account.name, transactionId: req.transactionId, messageId: req.messageId }, 'mm7: DeliverReq delivered again; stored once');
  return rsp(deps, req.type, req.transactionId, { code: 1000 });
}

/** The account's routeTo is the message's; a reply whose subject says "(FM: user)" goes to that user instead (core's rule). */
function moMessages(account: Mm7Account, req: DeliverReq, to: Mm7Address[]): NewMessage[] {
  const from = req.sender.kind === 'email' ? req.sender.value : phoneOf(req.sender)!;
  const id = req.messageId !== undefined ? `msg:${req.messageId}` : `tx:${req.transactionId}`;
  return to.map((r) => ({
    direction: 'MO',
    kind: 'mms',
    from,
    to: phoneOf(r)!,
    ...(req.subject !== undefined ? { subject: req.subject } : {}),
    parts: req.content,
    via: `mm7:${account.name}`,
    ...(account.routeTo !== undefined ? { routeTo: account.routeTo } : {}),
    idempotencyKey: `mm7:${account.name}:${id}:${r.value}`,
    meta: {
      mm7: {
        account: account.name,
        transactionId: req.transactionId,
        ...(req.messageId !== undefined ? { messageId: req.messageId } : {}),
        ...(req.linkedId !== undefined ? { linkedId: req.linkedId } : {}),
        ...(req.mmsRelayServerId !== undefined ? { relayServerId: req.mmsRelayServerId } : {}),
      },
    },
  }));
}

/** Which outbound connections a report from this account may be about, in the order they are tried. */
function reportTargets(deps: HandlerDeps, account: Mm7Account): string[] {
  return account.reportsFor ?? deps.mm7Connections();
}

/**
 * Apply to the first outbound connection that sent a message with this MessageID. Answered 1000 when none
 * did as well: the MMSC cannot do better by sending it again, and the store keeps the unmatched report.
 */
async function applyReport(deps: HandlerDeps, account: Mm7Account, messageId: string, outcome: 'delivered' | 'undeliverable' | 'pending', detail: string) {
  const ctx = deps.ctx();
  const targets = reportTargets(deps, account);
  for (const connectionId of targets) {
    const applied = await ctx.report({ connectionId, remoteId: messageId, outcome, detail });
    if (applied) return applied;
  }
  // No outbound MM7 connection at all: kept under this endpoint's id.
  if (targets.length === 0) return ctx.report({ remoteId: messageId, outcome, detail });
  return undefined;
}

async function report(deps: HandlerDeps, account: Mm7Account, req: DeliveryReportReq): Promise<Answer> {
  const outcome = reportOutcome(req.mmStatus);
  const detail = `${req.mmStatus}${req.statusText ? `: ${req.statusText}` : ''}`;
  try {
    await applyReport(deps, account, req.messageId, outcome, detail);
  } catch (err) {
    return refusedByStore(deps, account, req, err);
  }
  deps.counters.reports++;
  return rsp(deps, req.type, req.transactionId, { code: 1000 });
}

async function readReply(deps: HandlerDeps, account: Mm7Account, req: ReadReplyReq): Promise<Answer> {
  try {
    await applyReport(deps, account, req.messageId, 'pending', readReplyDetail(req.mmStatus));
  } catch (err) {
    return refusedByStore(deps, account, req, err);
  }
  deps.counters.reports++;
  return rsp(deps, req.type, req.transactionId, { code: 1000 });
}

/**
 * A content provider sends MMS: one MT per recipient, routed like any other. Only an account with `submit`
 * may (2001 "Operation restricted": the request was refused for lack of permission to execute it). The
 * answer's MessageID is the first message's id.
 */
async function submit(deps: HandlerDeps, account: Mm7Account, req: SubmitReq): Promise<Answer> {
  if (!account.submit) {
    deps.counters.refused++;
    deps.log.warn(
      { account: account.name, transactionId: req.transactionId },
      `mm7: SubmitReq from ${account.name} refused: the account may not submit (submit: true)`,
    );
    return rsp(deps, req.type, req.transactionId, { code: 2001, details: 'this account may not submit MMS' });
  }
  const to = phoneRecipients(deps, req);
  if (!Array.isArray(to)) return to;
  // Without a sender address the account's name is the sender (an alphanumeric sender as SMS has).
  const from = req.sender && req.sender.kind !== 'email' ? phoneOf(req.sender)! : account.name;
  const messages: NewMessage[] = to.map((r) => ({
    direction: 'MT',
    kind: 'mms',
    from,
    to: phoneOf(r)!,
    ...(req.subject !== undefined ? { subject: req.subject } : {}),
    parts: req.content,
    via: `mm7:${account.name}`,
    meta: {
      mm7: {
        account: account.name,
        transactionId: req.transactionId,
        ...(req.vasId !== undefined ? { vasId: req.vasId } : {}),
        ...(req.serviceCode !== undefined ? { serviceCode: req.serviceCode } : {}),
        ...(req.linkedId !== undefined ? { linkedId: req.linkedId } : {}),
        ...(req.deliveryReport !== undefined ? { deliveryReport: req.deliveryReport } : {}),
      },
    },
  }));
  let accepted: Accepted[];
  try {
    accepted = await deps.ctx().submit(messages);
  } catch (err) {
    return refusedByStore(deps, account, req, err);
  }
  deps.counters.submitted += accepted.length;
  return rsp(deps, req.type, req.transactionId, { code: 1000 }, { messageId: accepted[0]!.id });
}
