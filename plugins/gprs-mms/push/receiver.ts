// What a connection hands over for the WAP push port becomes a WSP push, classified: an MMS notification
// for the MM1 side, or a push for another application (counted, logged, never turned into a text message),
// or bytes that are not a push (counted, with the offset where they stopped being one).
//
// Reassembly is not done here: the modem and the SMPP client join concatenated SMS through core/reassembly
// (segments stored durably before they are acknowledged, any order, a repeated segment replacing itself),
// so what arrives is one whole message. What core/reassembly delivers after its timeout with segments
// missing is marked incomplete; a push with a hole in it is dropped here, never parsed.
import { binarySmsOf, type Address, type Logger, type Message, type PortSms, type SmsTransport } from 'nowsms';
import { WapPushError, isWapPushError } from './errors.ts';
import { isMmsPush, parseWapPush, type WapPush } from './wap-push.ts';

/** WDP port of the WAP push (connectionless) application on the phone (WAP-259-WDP Appendix B); the sender's is 9200. */
export const WAP_PUSH_PORT = 2948;

/** A whole port-addressed SMS, from whichever connection received it. */
export interface PushSms {
  from: Address;
  to: Address;
  /** The user data after the header: the WSP push PDU. */
  data: Buffer;
  sms: SmsTransport;
  /** The stored message it came in. */
  messageId?: string;
  /** The connection it came in on. */
  via?: string;
  receivedAt?: Date;
  /** Joined from fewer segments than it announced (core/reassembly's timeout). */
  incomplete?: boolean;
}

export type PushOutcome =
  | { kind: 'mms'; push: WapPush; sms: PushSms }
  | { kind: 'not-mms'; push: WapPush; sms: PushSms }
  | { kind: 'malformed'; error: WapPushError; sms: PushSms }
  | { kind: 'incomplete'; sms: PushSms }
  /** Not addressed to the WAP push port: not ours to count. */
  | { kind: 'not-push' };

export interface WapPushCounters {
  /** Pushes taken (every outcome but not-push). */
  pushes: number;
  mms: number;
  /** Pushes for another application (SI, SL, provisioning...), ignored. */
  notMms: number;
  malformed: number;
  incomplete: number;
}

/** True for a stored binary SMS addressed to the WAP push port: what a route hook would keep out of mailboxes. */
export function isWapPushMessage(message: Pick<Message, 'kind' | 'parts' | 'meta'>): boolean {
  return binarySmsOf(message)?.sms.ports?.destination === WAP_PUSH_PORT;
}

export class WapPushReceiver {
  readonly counters: WapPushCounters = { pushes: 0, mms: 0, notMms: 0, malformed: 0, incomplete: 0 };

  constructor(private readonly log?: Logger) {}

  /** The `modem-sms` service's onPortSms payload (port 2948). */
  fromPortSms(p: PortSms): PushOutcome {
    return this.take({ from: p.from, to: p.to, data: p.data, sms: p.sms, messageId: p.id, via: p.modem, receivedAt: p.receivedAt });
  }

  /** A stored message, as an SMPP deliver_sm (or any connection) left it: a binary SMS whose `meta.sms` has the ports. */
  fromMessage(m: Pick<Message, 'id' | 'kind' | 'from' | 'to' | 'parts' | 'meta' | 'via' | 'receivedAt'>): PushOutcome {
    const binary = binarySmsOf(m);
    if (!binary) return { kind: 'not-push' };
    return this.take({
      from: m.from,
      to: m.to,
      data: binary.data,
      sms: binary.sms,
      messageId: m.id,
      ...(m.via ? { via: m.via } : {}),
      receivedAt: m.receivedAt,
      ...(m.meta.incomplete === true ? { incomplete: true } : {}),
    });
  }

  take(sms: PushSms): PushOutcome {
    if (sms.sms.ports?.destination !== WAP_PUSH_PORT) return { kind: 'not-push' };
    this.counters.pushes++;
    const about = { from: sms.from, via: sms.via, id: sms.messageId };
    if (sms.incomplete) {
      this.counters.incomplete++;
      this.log?.warn(about, 'gprs-mms: a WAP push arrived with segments missing; dropped (the MMSC resends a notification it gets no answer to)');
      return { kind: 'incomplete', sms };
    }
    let push: WapPush;
    try {
      push = parseWapPush(sms.data);
    } catch (e) {
      if (!isWapPushError(e)) throw e;
      this.counters.malformed++;
      this.log?.warn({ ...about, offset: e.offset, err: e.message, data: sms.data.subarray(0, 64).toString('hex') }, 'gprs-mms: not a WAP push; dropped');
      return { kind: 'malformed', error: e, sms };
    }
    if (!isMmsPush(push)) {
      this.counters.notMms++;
      this.log?.info({ ...about, contentType: push.contentType, applicationId: push.applicationId }, 'gprs-mms: a WAP push for another application; ignored');
      return { kind: 'not-mms', push, sms };
    }
    if (push.body.length === 0) {
      this.counters.malformed++;
      const error = new WapPushError(sms.data.length, 'an MMS push without its m-notification-ind');
      this.log?.warn({ ...about, offset: error.offset, err: error.message }, 'gprs-mms: not a WAP push; dropped');
      return { kind: 'malformed', error, sms };
    }
    this.counters.mms++;
    return { kind: 'mms', push, sms };
  }
}
