// A test plug-in: an outbound connection "sink" that takes any SMS or MMS (text, binary, ports), writes each
// message it sends to a JSON-lines file (so a test reads what would have gone to the network), and reports
// it delivered a moment later, as an SMSC receipt would. It stands in for an operator link.
import { appendFileSync } from 'node:fs';
import { definePlugin, type ConnectionContext, type NowsmsPlugin, type QueueEntry } from '../../../core/index.ts';

export interface SunkMessage {
  id: string;
  kind: string;
  from: string;
  to: string;
  subject?: string;
  meta: Record<string, unknown>;
  parts: Array<{ contentType: string; name?: string; hex: string }>;
  /** When it was sent (epoch ms). */
  at: number;
}

export function sink(file: string): NowsmsPlugin {
  let ctx: ConnectionContext | undefined;
  return definePlugin({
    name: 'sink',
    setup(api) {
      api.connection({
        id: 'sink',
        kind: 'test-sink',
        anyTraffic: true,
        carries: { sms: true, binary: true, mms: true },
        async start(c) {
          ctx = c;
        },
        async stop() {},
        status: () => ({ state: 'up', counters: {} }),
        async send(entry: QueueEntry) {
          const m = entry.message;
          const line: SunkMessage = {
            id: m.id,
            kind: m.kind,
            from: m.from,
            to: m.to,
            ...(m.subject !== undefined ? { subject: m.subject } : {}),
            meta: m.meta,
            parts: m.parts.map((p) => ({ contentType: p.contentType, ...(p.name ? { name: p.name } : {}), hex: p.data.toString('hex') })),
            at: Date.now(),
          };
          appendFileSync(file, JSON.stringify(line) + '\n');
          // The receipt comes once the send is committed (its remote id known), as an SMSC's would.
          const receipt = async (tries: number): Promise<void> => {
            const applied = await ctx?.report({ remoteId: `r-${m.id}`, outcome: 'delivered', detail: 'DELIVRD' });
            if (!applied && tries > 0) setTimeout(() => void receipt(tries - 1), 100);
          };
          setTimeout(() => void receipt(50), 50);
          return { remoteIds: [`r-${m.id}`] };
        },
      });
    },
  });
}
