// The `modem-sms` service (core/services.ts): what a GSM modem plug-in offers other plug-ins, such as the
// GPRS MMS plug-in that needs WAP push notifications (SMS to port 2948) and sends binary SMS of its own.
import type { SmsTransport } from './sms-transport.ts';
import type { Address, SendResult } from './types.ts';

/** A binary SMS to send now, outside the queue: `sms.ports` addresses an application on the phone. */
export interface BinarySms {
  to: Address;
  /** The octets after the user data header; a long one goes as concatenated segments, each with the ports. */
  data: Buffer;
  sms?: SmsTransport;
}

/** A received port-addressed SMS, after the store committed it (whole: segments are joined first). */
export interface PortSms {
  /** The stored message's id. */
  id: string;
  /** The modem's connection id. */
  modem: string;
  from: Address;
  to: Address;
  /** The octets after the header (text SMS to a port: its UTF-8 text). */
  data: Buffer;
  sms: SmsTransport;
  receivedAt: Date;
}

export type PortSmsHandler = (sms: PortSms) => void | Promise<void>;

export interface ModemSmsService {
  /** The connection id of the modem this instance sends through. */
  readonly modem: string;
  /**
   * Send through this modem now (AT+CMGS), waiting for the modem to be up; rejects with a SendError.
   * Not queued, so not retried after a crash: for traffic whose sender retries (protocol acks).
   */
  sendBinary(sms: BinarySms, signal?: AbortSignal): Promise<SendResult>;
  /**
   * Called for each received SMS addressed to this destination port, once it is stored. Not durable: a
   * crash between the commit and the call loses the call, not the message. Returns an unsubscribe function.
   */
  onPortSms(port: number, handler: PortSmsHandler): () => void;
}
