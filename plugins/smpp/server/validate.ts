// A submit_sm, checked and read into a message (or one segment of one). Every refusal has the SMPP 3.4
// status that names what is wrong, so a client's log says what to fix.
import smpp from 'smpp';
import { senderFor, type NewMessage, type Part, type ResolvedConfig, type StoredUser } from 'nowsms';
import { fromWire } from '../shared/address.ts';
import { alphabetOf, ESM_UDHI, readUserData, splitUdh, type Concat } from '../shared/encoding.ts';
import type { GoodFrame } from '../shared/framing.ts';
import { BINARY_CONTENT_TYPE, transportOf } from '../shared/meta.ts';
import { TAG, tlvInt, tlvValue } from '../shared/wire.ts';
import { CONNECTION_ID } from './context.ts';

export type Submitted = { ok: true; message: NewMessage; concat?: Concat } | { ok: false; status: number; reason: string };

/** SMPP 3.4 section 5.2.8: destination_addr is a C-string of at most 21 octets. */
const MAX_ADDRESS = 20;
/** esm_class bits 2-5: only "default message type" makes sense from an ESME in submit_sm. */
const ESM_TYPE_MASK = 0x3c;
/** Data codings 23.038 leaves reserved (and SMPP's reserved 0x0B, 0x0C, 0x0F): nothing can show them. */
function reservedCoding(dc: number): boolean {
  return dc === 0x0b || dc === 0x0c || dc === 0x0f || (dc >= 0x80 && dc <= 0xbf);
}

function refuse(status: number, reason: string): Submitted {
  return { ok: false, status, reason };
}

interface Deps {
  config: Pick<ResolvedConfig, 'sms'>;
  normalizeAddress(address: string): string;
}

function address(deps: Deps, raw: string, ton: number): string | undefined {
  if (raw === '' || raw.length > MAX_ADDRESS) return undefined;
  try {
    return deps.normalizeAddress(fromWire(raw, ton));
  } catch {
    return undefined;
  }
}

export function readSubmit(deps: Deps, user: StoredUser, frame: GoodFrame): Submitted {
  const pdu = frame.pdu;
  const esmClass = Number(pdu.esm_class ?? 0);
  const dataCoding = Number(pdu.data_coding ?? 0);
  const registered = Number(pdu.registered_delivery ?? 0);

  const to = address(deps, String(pdu.destination_addr ?? ''), Number(pdu.dest_addr_ton ?? 0));
  if (!to || !/^\+?\d+$/.test(to)) return refuse(smpp.ESME_RINVDSTADR, `destination_addr ${JSON.stringify(pdu.destination_addr)} is not a phone number`);

  // The user's forced sender wins over whatever the client says (the seed: "forced sender address").
  let from = user.forcedSender;
  if (!from) {
    const raw = String(pdu.source_addr ?? '');
    from = raw === '' ? senderFor(user, deps.config) : address(deps, raw, Number(pdu.source_addr_ton ?? 0));
    if (!from)
      return refuse(
        smpp.ESME_RINVSRCADR,
        raw === '' ? 'no source_addr and no sender configured for the user' : `source_addr ${JSON.stringify(raw)} is not a valid sender`,
      );
  }

  if ((esmClass & ESM_TYPE_MASK) !== 0) return refuse(smpp.ESME_RINVESMCLASS, `esm_class 0x${esmClass.toString(16)} is not a default-type message`);
  if ((registered & 0x03) === 0x03) return refuse(smpp.ESME_RINVREGDLVFLG, `registered_delivery 0x${registered.toString(16)} uses the reserved value 3`);
  if (reservedCoding(dataCoding)) return refuse(0x0104 /* ESME_RINVDCS */, `data_coding 0x${dataCoding.toString(16)} is reserved`);

  const short = frame.shortMessage ?? Buffer.alloc(0);
  const payload = tlvValue(frame, TAG.message_payload);
  if (short.length > 0 && payload && payload.length > 0) return refuse(smpp.ESME_RINVMSGLEN, 'both short_message and message_payload are set');
  const data = short.length > 0 ? short : (payload ?? Buffer.alloc(0));
  // No coding puts more than 160 octets of message_payload into one segment (GSM text, one septet per
  // octet): beyond that times sms.maxSegments the message cannot be sent, whatever it says, so it is
  // refused before it is decoded. The pipeline makes the exact check on what fits.
  const most = deps.config.sms.maxSegments * 160;
  if (data.length > most)
    return refuse(smpp.ESME_RINVMSGLEN, `a message of ${data.length} octets cannot fit in ${deps.config.sms.maxSegments} segments (sms.maxSegments)`);
  const split = esmClass & ESM_UDHI && data.length > 0 ? splitUdh(data) : undefined;
  if (esmClass & ESM_UDHI && data.length > 0 && !split) return refuse(smpp.ESME_RINVMSGLEN, 'the UDH length does not fit the message');
  if (alphabetOf(dataCoding) === 'ucs2' && (split ? split.body : data).length % 2 !== 0)
    return refuse(smpp.ESME_RINVMSGLEN, 'UCS-2 text of an odd number of octets');

  const sar = {
    ref: tlvInt(frame, TAG.sar_msg_ref_num),
    total: tlvInt(frame, TAG.sar_total_segments),
    seq: tlvInt(frame, TAG.sar_segment_seqnum),
  };
  const ud = readUserData({ esmClass, dataCoding, shortMessage: short, ...(payload ? { payload } : {}), sar });

  const sms = transportOf({
    dataCoding,
    protocolId: Number(pdu.protocol_id ?? 0),
    registeredDelivery: registered,
    ...(ud.udh ? { udh: ud.udh } : {}),
    alphabet: ud.alphabet,
  });
  // A binary message's header (ports, WAP push) rides in meta.sms; the part holds the octets after it.
  const part: Part =
    ud.text !== undefined
      ? { contentType: 'text/plain; charset=utf-8', data: Buffer.from(ud.text, 'utf8') }
      : { contentType: BINARY_CONTENT_TYPE, data: ud.binary! };
  const message: NewMessage = {
    direction: 'MT',
    kind: 'sms',
    from,
    to,
    user: user.name,
    via: CONNECTION_ID,
    parts: [part],
    meta: { sms },
  };
  return { ok: true, message, ...(ud.concat && ud.concat.total > 1 ? { concat: ud.concat } : {}) };
}
