// The SMSC at the end of the end-to-end path: accepts any bind, answers every submit_sm OK, and reports
// each arrival (with the tag the load put in the text) to whoever listens. It lives in the benchmark
// process so that arrival and send times come from one clock.
import { performance } from 'node:perf_hooks';
import smpp, { type PDU, type Server, type Session } from 'smpp';

export interface Sink {
  port: number;
  /** Submits received since start (all binds together). */
  received: number;
  /** Binds accepted since start. */
  binds: number;
  /** Called for every submit_sm with the text's tag (`#123`), if any, and the arrival time (performance.now()). */
  onArrival: ((tag: number | undefined, at: number) => void) | undefined;
  /** Receipts sent (deliver_sm, for submits that asked with registered_delivery) and answered. */
  receiptsSent: number;
  receiptsAnswered: number;
  close(): Promise<void>;
}

function textOf(pdu: PDU): string {
  const sm = pdu.short_message as { message?: string | Buffer } | Buffer | undefined;
  const m = Buffer.isBuffer(sm) ? sm : sm?.message;
  return typeof m === 'string' ? m : (m?.toString('latin1') ?? '');
}

const yymmddhhmm = (d: Date) => d.toISOString().replace(/\D/g, '').slice(2, 12);

export function startSink(port: number): Promise<Sink> {
  const sendReceipt = (session: Session, submit: PDU, id: string) => {
    const now = yymmddhhmm(new Date());
    const text = `id:${id} sub:001 dlvrd:001 submit date:${now} done date:${now} stat:DELIVRD err:000 text:${textOf(submit).slice(0, 20)}`;
    sink.receiptsSent++;
    const receipt = new smpp.PDU('deliver_sm', {
      source_addr: submit.destination_addr,
      destination_addr: submit.source_addr,
      esm_class: 0x04,
      short_message: Buffer.from(text, 'latin1'),
      receipted_message_id: id,
      message_state: 2,
    });
    session.send(receipt, () => sink.receiptsAnswered++);
  };
  let nextId = 0;
  const sessions = new Set<Session>();
  const sink: Sink = {
    port,
    received: 0,
    binds: 0,
    onArrival: undefined,
    receiptsSent: 0,
    receiptsAnswered: 0,
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = smpp.createServer((session: Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
    const ok = (pdu: PDU) => session.send(pdu.response());
    const bound = (pdu: PDU) => {
      sink.binds++;
      ok(pdu);
    };
    session.on('bind_transceiver', bound);
    session.on('bind_transmitter', bound);
    session.on('bind_receiver', bound);
    session.on('enquire_link', ok);
    session.on('submit_sm', (pdu: PDU) => {
      const at = performance.now();
      sink.received++;
      const m = /#(\d+)/.exec(textOf(pdu));
      sink.onArrival?.(m ? Number(m[1]) : undefined, at);
      const id = (++nextId).toString(16);
      session.send(pdu.response({ message_id: id }));
      // An SMSC reports delivery when the submit asked (registered_delivery bit 0), as a receipt on the bind.
      if ((Number(pdu.registered_delivery ?? 0) & 1) === 1) setImmediate(() => sendReceipt(session, pdu, id));
    });
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(sink));
  });
}
