// An SMPP client for the tests: the `smpp` package's own Session (written by people other than us), with
// promises around it and a record of every deliver_sm it receives.
import smpp, { type CommandName, type PDU, type PDUFields, type Session } from 'smpp';
import type { TestGateway } from '../../../helpers/gateway.ts';

export type BindCommand = 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver';

export function smppPort(g: TestGateway): number {
  const listening = g.gateway.status()['smpp-server']?.listening?.[0];
  if (!listening) throw new Error('smpp-server is not listening');
  return Number(listening.slice(listening.lastIndexOf(':') + 1));
}

export class SmppTestClient {
  readonly received: PDU[] = [];
  /** The command_status to answer each deliver_sm with (default OK). */
  answer: (pdu: PDU) => number = () => 0;
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly session: Session) {
    session.on('error', () => {});
    session.on('close', () => {
      this.closed = true;
      this.wake();
    });
    session.on('deliver_sm', (pdu: PDU) => {
      this.received.push(pdu);
      session.send(pdu.response({ command_status: this.answer(pdu) }));
      this.wake();
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
  }

  static connect(port: number): Promise<SmppTestClient> {
    return new Promise((resolve, reject) => {
      const session = smpp.connect({ host: '127.0.0.1', port });
      session.once('error', reject);
      session.once('connect', () => {
        session.off('error', reject);
        resolve(new SmppTestClient(session));
      });
    });
  }

  /** Connect and bind; resolves with the bind response whatever its status. */
  static async bound(port: number, command: BindCommand, systemId: string, password: string): Promise<{ client: SmppTestClient; resp: PDU }> {
    const client = await SmppTestClient.connect(port);
    const resp = await client.request(command, { system_id: systemId, password, interface_version: 0x34 });
    return { client, resp };
  }

  request(command: CommandName, fields: PDUFields = {}): Promise<PDU> {
    return new Promise((resolve, reject) => {
      const ok = this.session.send(new smpp.PDU(command, fields), resolve);
      if (!ok) reject(new Error('socket not writable'));
    });
  }

  submit(fields: PDUFields): Promise<PDU> {
    return this.request('submit_sm', fields);
  }

  /** Resolve once `check` holds, re-checked on every event; fails after `ms`. */
  async until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.session.once('close', () => resolve());
      this.session.destroy();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Poll an async condition (store state) until it holds. */
export async function eventually<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
