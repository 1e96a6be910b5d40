// An outbound connection for dispatcher tests whose sends succeed or fail as a script says. It stands in
// for an operator link only to exercise the core's queue logic; real links have their own simulators.
import { SendError } from '../../core/errors.ts';
import type { NowsmsPlugin } from '../../core/plugin.ts';
import type { Connection, ConnectionState, QueueEntry, SendFailure } from '../../core/types.ts';

export type Step = 'ok' | SendFailure;

export interface ScriptedConnection extends Connection {
  sends: { id: string; attempts: number; at: number }[];
  /** What the next sends do, in order; when empty, 'ok'. */
  script: Step[];
  setState(s: ConnectionState): void;
}

export function scriptedConnection(
  id: string,
  opts: Partial<Pick<Connection, 'numbers' | 'recipients' | 'anyTraffic' | 'window' | 'carries'>> & { pauseMs?: number } = {},
) {
  let state: ConnectionState = 'stopped';
  const conn: ScriptedConnection = {
    id,
    kind: 'scripted',
    ...opts,
    sends: [],
    script: [],
    setState: (s) => (state = s),
    async start() {
      state = 'up';
    },
    async stop() {
      state = 'stopped';
    },
    status: () => ({ state, counters: { sends: conn.sends.length } }),
    async send(entry: QueueEntry) {
      conn.sends.push({ id: entry.messageId, attempts: entry.attempts, at: Date.now() });
      const step = conn.script.shift() ?? 'ok';
      if (step === 'ok') return { remoteIds: [`r-${conn.sends.length}`] };
      throw new SendError(step, `scripted ${step} failure`, opts.pauseMs === undefined ? {} : { pauseMs: opts.pauseMs });
    },
  };
  const plugin: NowsmsPlugin = { name: `scripted-${id}`, setup: (api) => api.connection(conn) };
  return { conn, plugin };
}
