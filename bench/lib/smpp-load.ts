// A windowed SMPP client: one transmitter bind, `window` submit_sm in flight at all times until `messages`
// have been answered. The same client drives the gateway and the bare server, so the comparison is theirs.
import { performance } from 'node:perf_hooks';
import smpp, { type PDU, type Session } from 'smpp';

export interface LoadOptions {
  port: number;
  systemId: string;
  password: string;
  messages: number;
  window: number;
  /** Tags go into the text as `#<n>`, numbered from here (for matching arrivals at a sink). */
  firstTag?: number;
  destination?: string;
}

export interface LoadResult {
  elapsedMs: number;
  /** performance.now() at which each submit was written, by tag - firstTag. */
  sentAt: Float64Array;
  /** Answers other than OK, by command_status. */
  refused: Map<number, number>;
}

function connect(port: number): Promise<Session> {
  return new Promise((resolve, reject) => {
    const s = smpp.connect({ host: '127.0.0.1', port });
    s.once('error', reject);
    s.once('connect', () => {
      s.off('error', reject);
      s.on('error', () => {});
      resolve(s);
    });
  });
}

function call(s: Session, command: 'bind_transmitter' | 'unbind', fields: Record<string, unknown> = {}): Promise<PDU> {
  return new Promise((resolve) => s.send(new smpp.PDU(command, fields), resolve));
}

export async function smppLoad(o: LoadOptions): Promise<LoadResult> {
  const s = await connect(o.port);
  const bound = await call(s, 'bind_transmitter', { system_id: o.systemId, password: o.password, interface_version: 0x34 });
  if (bound.command_status !== 0) throw new Error(`bind as ${o.systemId} refused with 0x${bound.command_status.toString(16)}`);
  const first = o.firstTag ?? 0;
  const sentAt = new Float64Array(o.messages);
  const refused = new Map<number, number>();
  let next = 0;
  let done = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const send = () => {
      const i = next++;
      const pdu = new smpp.PDU('submit_sm', {
        source_addr: '15550001111',
        source_addr_ton: 1,
        source_addr_npi: 1,
        destination_addr: o.destination ?? '15557770000',
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        data_coding: 0,
        short_message: Buffer.from(`bench message #${first + i}`, 'latin1'),
      });
      sentAt[i] = performance.now();
      s.send(pdu, (resp: PDU) => {
        if (resp.command_status !== 0) refused.set(resp.command_status, (refused.get(resp.command_status) ?? 0) + 1);
        if (++done === o.messages) resolve();
        else if (next < o.messages) send();
      });
    };
    for (let k = 0; k < Math.min(o.window, o.messages); k++) send();
  });
  const elapsedMs = performance.now() - start;
  await Promise.race([call(s, 'unbind'), new Promise((r) => setTimeout(r, 1000))]);
  s.destroy();
  return { elapsedMs, sentAt, refused };
}
