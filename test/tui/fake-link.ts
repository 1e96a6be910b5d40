// A gateway as the TUI's views see it, in memory: state the test sets, requests recorded and answered by
// handlers the test gives. The real link (the admin socket) is tested end to end in test/e2e/tui.test.ts.
import type { AdminCommandName, AdminCommands, ConnectionView } from '../../core/admin/protocol.ts';
import type { Link, LinkState } from '../../tui/link.ts';

type Handler = (params: Record<string, unknown>) => unknown;

export class FakeLink implements Link {
  s: LinkState = { phase: 'up', pid: 4242, connections: [], rates: {}, queues: {}, noRoute: 0, log: [], version: 1 };
  readonly requests: { command: string; params: Record<string, unknown> }[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly handlers: Partial<Record<AdminCommandName, Handler>> = {}) {}

  state(): LinkState {
    return this.s;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(change: Partial<LinkState>): void {
    this.s = { ...this.s, ...change, version: this.s.version + 1 };
    for (const l of this.listeners) l();
  }

  async request<C extends AdminCommandName>(command: C, params: AdminCommands[C]['request']): Promise<AdminCommands[C]['result']> {
    this.requests.push({ command, params: params as Record<string, unknown> });
    const h = this.handlers[command];
    if (!h) throw Object.assign(new Error(`no handler for ${command}`), { code: 'NOWSMS_ERR_UNKNOWN_COMMAND' });
    return (await h(params as Record<string, unknown>)) as AdminCommands[C]['result'];
  }

  asked(command: string): Record<string, unknown>[] {
    return this.requests.filter((r) => r.command === command).map((r) => r.params);
  }
}

export function connection(id: string, change: Partial<ConnectionView> = {}): ConnectionView {
  return { id, kind: 'smpp-client', state: 'up', counters: { sent: 0 }, outbound: true, ...change };
}
