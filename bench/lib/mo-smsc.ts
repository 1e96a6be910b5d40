// The SMSC of the 2-way benchmark: accepts any bind, sends MO (deliver_sm) to the bound client with a window
// of unanswered ones, and times the replies (submit_sm) by the tag (`#123`) the answer carries. It lives in the
// benchmark process so that send and arrival times come from one clock.
import { performance } from 'node:perf_hooks';
import smpp, { type PDU, type Server, type Session } from 'smpp';

export interface MoSmsc {
  port: number;
  /** Sessions bound as transceiver or receiver (MO can be sent). */
  bound(): number;
  /** Send `count` MO with texts `text(tag)`, tags from `firstTag`, at most `window` unanswered; resolves once all are answered. */
  deliver(count: number, window: number, firstTag: number, text: (tag: number) => string): Promise<{ failed: number }>;
  /** When each tag's MO was sent and its first reply arrived (performance.now()), and replies beyond the first. */
  sentAt: Map<number, number>;
  replyAt: Map<number, number>;
  repeats: number;
  close(): Promise<void>;
}

function textOf(pdu: PDU): string {
  const sm = pdu.short_message as { message?: string | Buffer } | Buffer | undefined;
  const m = Buffer.isBuffer(sm) ? sm : sm?.message;
  return typeof m === 'string' ? m : (m?.toString('latin1') ?? (pdu.message_payload ? String(pdu.message_payload) : ''));
}

export function startMoSmsc(port: number): Promise<MoSmsc> {
  const sessions = new Set<Session>();
  const receivers = new Set<Session>();
  let nextId = 0;
  const smsc: MoSmsc = {
    port,
    bound: () => receivers.size,
    sentAt: new Map(),
    replyAt: new Map(),
    repeats: 0,
    async deliver(count, window, firstTag, text) {
      const session = [...receivers][0];
      if (!session) throw new Error('no client bound to the SMSC');
      let next = 0;
      let failed = 0;
      const one = (tag: number) =>
        new Promise<void>((resolve) => {
          smsc.sentAt.set(tag, performance.now());
          session.send(
            new smpp.PDU('deliver_sm', {
              source_addr: `4477009${String(tag % 100000).padStart(5, '0')}`,
              source_addr_ton: 1,
              source_addr_npi: 1,
              destination_addr: '15550001111',
              dest_addr_ton: 1,
              dest_addr_npi: 1,
              short_message: Buffer.from(text(tag), 'latin1'),
            }),
            (resp: PDU) => {
              if (resp.command_status !== 0) failed++;
              resolve();
            },
          );
        });
      const worker = async () => {
        while (next < count) await one(firstTag + next++);
      };
      await Promise.all(Array.from({ length: window }, worker));
      return { failed };
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = smpp.createServer((session: Session) => {
    sessions.add(session);
    session.on('close', () => {
      sessions.delete(session);
      receivers.delete(session);
    });
    session.on('error', () => {});
    const ok = (pdu: PDU) => session.send(pdu.response());
    session.on('bind_transceiver', (pdu: PDU) => {
      receivers.add(session);
      ok(pdu);
    });
    session.on('bind_receiver', (pdu: PDU) => {
      receivers.add(session);
      ok(pdu);
    });
    session.on('bind_transmitter', ok);
    session.on('enquire_link', ok);
    session.on('submit_sm', (pdu: PDU) => {
      const at = performance.now();
      const m = /#(\d+)/.exec(textOf(pdu));
      if (m) {
        const tag = Number(m[1]);
        if (smsc.replyAt.has(tag)) smsc.repeats++;
        else smsc.replyAt.set(tag, at);
      }
      session.send(pdu.response({ message_id: (++nextId).toString(16) }));
    });
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(smsc));
  });
}
