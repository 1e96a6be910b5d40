// One MT message out through the modem: encode it into SMS-SUBMIT PDUs (one per segment), AT+CMGS each,
// and classify what went wrong for the dispatcher. A long message that fails half way keeps the segments
// that went out: the retry sends only the rest, with the same concatenation reference, so the phone
// reassembles one message instead of showing a torn copy and then a whole one.
import { createHash } from 'node:crypto';
import { binarySmsOf, encodeSubmit, planSms, SendError, smsOf, textOf, type QueueEntry, type SendResult } from 'nowsms';
import { AtClosedError, AtCommandError, AtTimeoutError, explain, sendVerdict } from './at/errors.ts';
import type { RateGate } from './rate.ts';
import type { SmsCommands } from './sms/commands.ts';

export interface SendDeps {
  id: string;
  sms: () => SmsCommands | undefined;
  /** Why the modem cannot send now, or undefined when it can. */
  notReady: () => string | undefined;
  rate: RateGate;
  statusReports: boolean;
  validityMinutes: number;
  /** Pause after congestion / SC busy. */
  throttlePauseMs: number;
  counters: Record<'smsSent' | 'sendErrors', number>;
}

/** Half-sent long messages remembered for their retry. */
const MAX_REMEMBERED = 1000;

interface Progress {
  pdus: string[];
  mrs: (number | undefined)[];
}

/** Same message, same reference: stable across retries, spread across messages. */
export function concatRefFor(messageId: string): number {
  return createHash('sha256').update(messageId).digest()[0]!;
}

export class Sender {
  private readonly progress = new Map<string, Progress>();

  constructor(private readonly deps: SendDeps) {}

  async send(entry: QueueEntry, signal: AbortSignal): Promise<SendResult> {
    const id = entry.messageId;
    const pdus = this.encode(entry);
    let progress = this.progress.get(id);
    if (!progress || progress.pdus.join() !== pdus.map((p) => p.pdu).join()) progress = { pdus: pdus.map((p) => p.pdu), mrs: pdus.map(() => undefined) };
    this.progress.delete(id);
    // Oldest first out: a message that never came back for its retry (re-routed, deleted) is forgotten.
    if (this.progress.size >= MAX_REMEMBERED) this.progress.delete(this.progress.keys().next().value!);
    this.progress.set(id, progress);
    for (const [i, { pdu, tpduLength }] of pdus.entries()) {
      if (progress.mrs[i] !== undefined) continue;
      const why = this.deps.notReady();
      if (why) throw new SendError('temporary', `modem ${this.deps.id} cannot send now: ${why}`);
      if (signal.aborted) throw new SendError('temporary', 'the gateway is stopping');
      await this.deps.rate.wait(signal);
      const sms = this.deps.sms();
      if (!sms) throw new SendError('temporary', `modem ${this.deps.id} is not connected`);
      try {
        progress.mrs[i] = await sms.send(pdu, tpduLength);
        this.deps.counters.smsSent++;
      } catch (e) {
        this.deps.counters.sendErrors++;
        const failure = this.classify(e, i, pdus.length);
        if (failure.failure === 'permanent') this.progress.delete(id);
        throw failure;
      }
    }
    this.progress.delete(id);
    const mrs = progress.mrs as number[];
    return { remoteIds: mrs.map(String), detail: `sent by modem ${this.deps.id} as ${mrs.length} SMS (message reference ${mrs.join(', ')})` };
  }

  private encode(entry: QueueEntry) {
    const { message } = entry;
    // Routing sends no MMS here; one queued before connections declared what they carry might come.
    if (message.kind === 'mms') throw new SendError('permanent', `modem ${this.deps.id} cannot carry an MMS (its attachments would be lost)`);
    const sms = smsOf(message);
    const common = {
      to: message.to,
      statusReport: sms.receipt === undefined ? this.deps.statusReports : sms.receipt !== 'none',
      validityMinutes: sms.validityMinutes ?? this.deps.validityMinutes,
      concatRef: concatRefFor(entry.messageId),
      ...(sms.messageClass !== undefined ? { messageClass: sms.messageClass } : {}),
      ...(sms.protocolId !== undefined ? { protocolId: sms.protocolId } : {}),
      // A text to an application port keeps its header too.
      ...(sms.ports ? { ports: sms.ports } : {}),
      ...(sms.udh ? { elements: Buffer.from(sms.udh, 'hex') } : {}),
    };
    try {
      const binary = binarySmsOf(message);
      if (binary) {
        const { ports, udh } = binary.sms;
        return encodeSubmit({
          ...common,
          data: binary.data,
          encoding: '8bit',
          // A message stored before meta.sms kept its header in the octets: binarySmsOf split it off.
          ...(ports ? { ports } : {}),
          ...(udh ? { elements: Buffer.from(udh, 'hex') } : {}),
        });
      }
      const text = textOf(message);
      return encodeSubmit({ ...common, text, encoding: planSms(text).encoding });
    } catch (e) {
      // The recipient or text cannot be put in a PDU at all: no retry will change that.
      throw new SendError('permanent', `cannot encode the SMS: ${(e as Error).message}`, { cause: e });
    }
  }

  private classify(e: unknown, index: number, total: number): SendError {
    const part = total > 1 ? ` (segment ${index + 1} of ${total})` : '';
    if (e instanceof AtCommandError) {
      const verdict = sendVerdict(e.final);
      const msg = `modem ${this.deps.id} refused the SMS${part}: ${explain(e.final)}`;
      return new SendError(verdict, msg, verdict === 'throttled' ? { pauseMs: this.deps.throttlePauseMs, cause: e } : { cause: e });
    }
    if (e instanceof AtTimeoutError)
      return new SendError('temporary', `modem ${this.deps.id} did not answer the send${part} (${e.message}); resetting the modem`, { cause: e });
    if (e instanceof AtClosedError) return new SendError('temporary', `modem ${this.deps.id}: send interrupted${part}: ${e.message}`, { cause: e });
    return new SendError('temporary', `modem ${this.deps.id}: send failed${part}: ${(e as Error).message}`, { cause: e });
  }
}
