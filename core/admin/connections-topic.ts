// The `connections` topic: every connection's state and counters, sent whole at subscribe and then for each
// connection that changed (state, detail or a counter), looked at once a second. Connections only answer
// status() when asked, so a change that comes and goes within the second is not seen.
import type { ConnectionsEvent } from './protocol.ts';
import type { StreamSource } from './registry.ts';

export const CONNECTIONS_INTERVAL_MS = 1000;

export function connectionsTopic(views: () => ConnectionsEvent[], intervalMs = CONNECTIONS_INTERVAL_MS): StreamSource<ConnectionsEvent, never> {
  // Each subscriber with what it was last sent, so each hears exactly what changed since then.
  const subscribers = new Set<{ push: (e: ConnectionsEvent) => void; last: Map<string, string> }>();
  let timer: NodeJS.Timeout | undefined;

  const send = (sub: { push: (e: ConnectionsEvent) => void; last: Map<string, string> }, current: ConnectionsEvent[]) => {
    for (const v of current) {
      const text = JSON.stringify(v);
      if (sub.last.get(v.id) === text) continue;
      sub.last.set(v.id, text);
      sub.push(v);
    }
  };

  return {
    topic: 'connections',
    description: 'each connection (state, detail, counters) at subscribe, then whenever it changes (checked every second)',
    subscribe(_from, push) {
      const sub = { push, last: new Map<string, string>() };
      send(sub, views());
      subscribers.add(sub);
      timer ??= setInterval(() => {
        const current = views();
        for (const s of subscribers) send(s, current);
      }, intervalMs);
      // Not a reason to keep the process alive.
      timer.unref();
      return () => {
        subscribers.delete(sub);
        if (subscribers.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}
