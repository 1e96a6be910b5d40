// The modem's `modem-sms` service (core/modem-sms.ts) for other plug-ins: a binary SMS with ports sent
// now through this modem, and received port-addressed SMS (a WAP push for MMS on port 2948) handed to
// subscribers once the store holds them.
import { randomUUID } from 'node:crypto';
import type { BinarySms, Logger, ModemSmsService, PortSms, PortSmsHandler, SendResult, Stores } from 'nowsms';
import { SMS_BINARY_CONTENT_TYPE, smsOf, textOf } from 'nowsms';
import type { Sender } from './send.ts';

export interface ServiceDeps {
  id: string;
  sender: Sender;
  /** The stores, once the connection started. */
  stores: () => Stores | undefined;
  /** The modem's own number, the sender of what it sends. */
  ownNumber: () => string;
  log: Logger;
}

export class ModemSms implements ModemSmsService {
  readonly modem: string;
  private readonly handlers = new Map<number, Set<PortSmsHandler>>();

  constructor(private readonly deps: ServiceDeps) {
    this.modem = deps.id;
  }

  sendBinary(sms: BinarySms, signal: AbortSignal = new AbortController().signal): Promise<SendResult> {
    const messageId = `svc-${randomUUID()}`;
    return this.deps.sender.send(
      {
        messageId,
        connectionId: this.modem,
        attempts: 0,
        nextAttemptAt: new Date(),
        message: {
          id: messageId,
          direction: 'MT',
          kind: 'sms',
          from: this.deps.ownNumber(),
          to: sms.to,
          parts: [{ contentType: SMS_BINARY_CONTENT_TYPE, data: sms.data }],
          receivedAt: new Date(),
          meta: { sms: { ...sms.sms, coding: '8bit' } },
        },
      },
      signal,
    );
  }

  onPortSms(port: number, handler: PortSmsHandler): () => void {
    const set = this.handlers.get(port) ?? new Set();
    set.add(handler);
    this.handlers.set(port, set);
    return () => set.delete(handler);
  }

  /** A committed message to a port: read it back (joined, if it came in segments) and hand it over. */
  async received(messageId: string, port: number): Promise<void> {
    const handlers = [...(this.handlers.get(port) ?? [])];
    const stores = this.deps.stores();
    if (handlers.length === 0 || !stores) return;
    try {
      const m = await stores.messages.get(messageId);
      if (!m) return;
      const binary = m.parts.find((p) => p.contentType.toLowerCase().startsWith(SMS_BINARY_CONTENT_TYPE));
      const sms: PortSms = {
        id: m.id,
        modem: this.modem,
        from: m.from,
        to: m.to,
        data: binary ? binary.data : Buffer.from(textOf(m), 'utf8'),
        sms: smsOf(m),
        receivedAt: m.receivedAt,
      };
      for (const h of handlers) {
        try {
          await h(sms);
        } catch (err) {
          this.deps.log.error({ err, id: messageId, port }, 'gsm-modem: a modem-sms subscriber failed on a received port SMS');
        }
      }
    } catch (err) {
      this.deps.log.error({ err, id: messageId, port }, 'gsm-modem: cannot read a received port SMS back for its subscribers');
    }
  }
}
