// deliver_sm (and data_sm) from the SMSC: delivery receipts go to the store as reports, everything else is
// an MO message. Either way the SMSC gets its response only once the outcome is on disk, so an SMSC that
// sees no response redelivers instead of the gateway losing it.
import smpp from 'smpp';
import { acceptSegment, isNowsmsError, segmentKey, type ConnectionContext, type Logger, type NewMessage, type Part } from 'nowsms';
import { fromWire } from '../shared/address.ts';
import { readUserData } from '../shared/encoding.ts';
import type { GoodFrame } from '../shared/framing.ts';
import { BINARY_CONTENT_TYPE, transportOf } from '../shared/meta.ts';
import { parseReceipt, receiptOutcome, statForState } from '../shared/receipt.ts';
import { TAG, tlvInt, tlvString, tlvValue } from '../shared/wire.ts';
import type { ReceiptIds } from './receipts.ts';

export interface InboundCounters {
  receipts: number;
  unmatchedReceipts: number;
  mo: number;
  moSegments: number;
  inboundRefused: number;
}

export interface InboundDeps {
  connectionId: string;
  ctx: ConnectionContext;
  log: Logger;
  counters: InboundCounters;
  receiptIds: ReceiptIds;
  /** How long a receipt may wait for its submit to be recorded. */
  recordWaitMs: number;
  routeTo?: string;
}

/** esm_class message type bits 5-2 (SMPP v3.4 §5.2.12): SMSC delivery receipt, intermediate notification. */
const RECEIPT_TYPES = new Set([0x04, 0x20]);

function isReceipt(frame: GoodFrame): boolean {
  const type = (frame.pdu.esm_class ?? 0) & 0x3c;
  return RECEIPT_TYPES.has(type) || tlvValue(frame, TAG.receipted_message_id) !== undefined;
}

/** Messages this connection submits get its routeTo; segments other connections left in the store do not. */
export function submitter(deps: InboundDeps): (messages: NewMessage[]) => ReturnType<ConnectionContext['submit']> {
  const { routeTo, connectionId, ctx } = deps;
  return (messages) => ctx.submit(routeTo ? messages.map((m) => (m.via === connectionId ? { ...m, routeTo } : m)) : messages);
}

/** Handle one deliver_sm / data_sm; resolves with the command_status to answer with. */
export async function handleInbound(frame: GoodFrame, deps: InboundDeps): Promise<number> {
  // A receipt can arrive in the same TCP read as the submit_sm_resp it is about; the code that records
  // that response runs in promise callbacks. Yielding to the event loop once lets it run first.
  await new Promise<void>((resolve) => setImmediate(resolve));
  try {
    if (isReceipt(frame)) await handleReceipt(frame, deps);
    else await handleMo(frame, deps);
    return smpp.ESME_ROK;
  } catch (err) {
    deps.counters.inboundRefused++;
    // A temporary refusal makes the SMSC deliver again later; a permanent one tells it to give up.
    const temporary = !isNowsmsError(err) || err.temporary;
    deps.log.warn({ err, sequence: frame.pdu.sequence_number }, `smpp: ${frame.pdu.command} refused (${temporary ? 'temporary' : 'permanent'})`);
    return temporary ? smpp.ESME_RX_T_APPN : smpp.ESME_RX_P_APPN;
  }
}

function userDataText(frame: GoodFrame): string {
  const ud = readUserData({
    esmClass: frame.pdu.esm_class ?? 0,
    dataCoding: frame.pdu.data_coding ?? 0,
    ...(frame.shortMessage ? { shortMessage: frame.shortMessage } : {}),
    ...(tlvValue(frame, TAG.message_payload) ? { payload: tlvValue(frame, TAG.message_payload)! } : {}),
  });
  return ud.text ?? ud.binary?.toString('latin1') ?? '';
}

async function handleReceipt(frame: GoodFrame, deps: InboundDeps): Promise<void> {
  const { ctx, counters, log, receiptIds } = deps;
  const text = userDataText(frame);
  const parsed = parseReceipt(text);
  const rawId = tlvString(frame, TAG.receipted_message_id) || parsed?.id || '';
  const state = tlvInt(frame, TAG.message_state);
  const stat = state !== undefined ? statForState(state) : (parsed?.stat ?? 'UNKNOWN');
  // An intermediate notification is never final, whatever its stat says.
  const outcome = ((frame.pdu.esm_class ?? 0) & 0x3c) === 0x20 ? 'pending' : receiptOutcome(stat);
  const detail = `stat:${stat}${parsed?.err && parsed.err !== '000' ? ` err:${parsed.err}` : ''}`;
  counters.receipts++;
  if (!rawId) {
    counters.unmatchedReceipts++;
    log.warn({ text }, 'smpp: delivery receipt without a message id; nothing to match it to');
    return;
  }
  const { id, fallbacks } = receiptIds.resolve(rawId);
  await receiptIds.recorded(id, deps.recordWaitMs);
  if (await ctx.report({ remoteId: id, outcome, detail })) return;
  for (const alt of fallbacks) {
    if (await ctx.report({ remoteId: alt, outcome, detail })) {
      receiptIds.confirm(rawId, alt);
      return;
    }
  }
  counters.unmatchedReceipts++;
}

async function handleMo(frame: GoodFrame, deps: InboundDeps): Promise<void> {
  const { pdu } = frame;
  const { counters, connectionId, ctx } = deps;
  const payload = tlvValue(frame, TAG.message_payload);
  const ud = readUserData({
    esmClass: pdu.esm_class ?? 0,
    dataCoding: pdu.data_coding ?? 0,
    ...(frame.shortMessage ? { shortMessage: frame.shortMessage } : {}),
    ...(payload ? { payload } : {}),
    sar: { ref: tlvInt(frame, TAG.sar_msg_ref_num), total: tlvInt(frame, TAG.sar_total_segments), seq: tlvInt(frame, TAG.sar_segment_seqnum) },
  });
  const from = fromWire(pdu.source_addr ?? '', pdu.source_addr_ton ?? 0);
  const to = fromWire(pdu.destination_addr ?? '', pdu.dest_addr_ton ?? 0);
  const part: Part =
    ud.text !== undefined
      ? { contentType: 'text/plain; charset=utf-8', data: Buffer.from(ud.text, 'utf8') }
      : { contentType: BINARY_CONTENT_TYPE, data: ud.binary ?? Buffer.alloc(0) };
  const sms = transportOf({
    dataCoding: pdu.data_coding ?? 0,
    protocolId: pdu.protocol_id ?? 0,
    ...(ud.udh ? { udh: ud.udh } : {}),
    alphabet: ud.alphabet,
  });
  // Some SMSCs give the application ports as TLVs (source_port, destination_port; SMPP 3.4 §5.3.2.20-21)
  // rather than in a UDH, a WAP push to port 2948 among them.
  const destinationPort = tlvInt(frame, TAG.destination_port);
  if (!sms.ports && destinationPort !== undefined) sms.ports = { destination: destinationPort, source: tlvInt(frame, TAG.source_port) ?? 0, bits: 16 };
  const meta = { sms, alphabet: ud.alphabet };
  const submit = submitter(deps);
  if (ud.concat && ud.concat.total > 1) {
    counters.moSegments++;
    const accepted = await acceptSegment(ctx.stores, submit, {
      key: segmentKey(connectionId, from, ud.concat.ref, ud.concat.total),
      seq: ud.concat.seq,
      total: ud.concat.total,
      receivedAt: new Date(),
      from,
      to,
      via: connectionId,
      part,
      meta,
    });
    if (accepted) counters.mo++;
    return;
  }
  await submit([{ direction: 'MO', kind: 'sms', from, to, parts: [part], via: connectionId, meta }]);
  counters.mo++;
}
