// The last lines this process logged, kept in memory for the admin `log` topic (the terminal UI's log view).
// createLogger writes every line here as well as to its destination. Lines are kept as text and read as
// JSON only when someone follows them, so a gateway nobody watches pays for a copy, not a parse.
import { Writable } from 'node:stream';
import type { LogLineEvent } from './admin/protocol.ts';
import type { StreamSource } from './admin/registry.ts';

/** Lines kept for a subscriber that joins later. */
export const LOG_TAIL_LINES = 1000;
/** Lines sent at subscribe when the subscriber gives no cursor. */
export const LOG_TAIL_BACKLOG = 200;

const LEVELS: Record<number, LogLineEvent['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export class LogTail extends Writable {
  private readonly lines: { seq: number; text: string }[] = [];
  private seq = 0;
  private partial = '';
  private readonly followers = new Set<(e: LogLineEvent) => void>();

  constructor(private readonly keep = LOG_TAIL_LINES) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.partial += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let i;
    while ((i = this.partial.indexOf('\n')) >= 0) {
      const text = this.partial.slice(0, i);
      this.partial = this.partial.slice(i + 1);
      if (text === '') continue;
      const line = { seq: ++this.seq, text };
      this.lines.push(line);
      if (this.lines.length > this.keep) this.lines.shift();
      if (this.followers.size > 0) {
        const event = toEvent(line);
        for (const f of this.followers) f(event);
      }
    }
    done();
  }

  topic(): StreamSource<LogLineEvent, number> {
    return {
      topic: 'log',
      description: `the lines the gateway logs: the last ${LOG_TAIL_BACKLOG} (or those after the cursor given), then each as it is logged`,
      subscribe: (from, push) => {
        const backlog = typeof from === 'number' ? this.lines.filter((l) => l.seq > from) : this.lines.slice(-LOG_TAIL_BACKLOG);
        for (const l of backlog) push(toEvent(l));
        this.followers.add(push);
        return () => this.followers.delete(push);
      },
    };
  }
}

function toEvent(line: { seq: number; text: string }): LogLineEvent {
  try {
    const { level, time, msg, pid: _pid, hostname: _h, ...fields } = JSON.parse(line.text) as Record<string, unknown>;
    return {
      seq: line.seq,
      time: new Date(typeof time === 'number' ? time : Date.now()).toISOString(),
      level: LEVELS[Number(level)] ?? 'info',
      msg: typeof msg === 'string' ? msg : '',
      fields,
    };
  } catch {
    return { seq: line.seq, time: new Date().toISOString(), level: 'info', msg: line.text, fields: {} };
  }
}

/** This process's log tail: one per process, as a process runs one gateway. */
export const logTail = new LogTail();
