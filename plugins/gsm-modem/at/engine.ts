// The AT engine: one command at a time (V.250 5.2: a modem handles one command line at a time and ends
// each with exactly one final result), each with its own timeout; everything the modem says that is not
// the pending command's answer goes to the unsolicited handler. Out of step (a timeout, a final nobody
// asked for, an OK missing the line it must carry) the engine refuses work until sync() has realigned it,
// because an answer taken for the wrong command could make us delete a message we never read.
import type { Logger } from 'nowsms';
import { finalResult, isBareUnsolicited, isEcho, isTwoLineUnsolicited, type FinalResult } from './classify.ts';
import { AtClosedError, AtCommandError, AtTimeoutError } from './errors.ts';
import { LineSplitter, type LineEvent } from './lines.ts';
import { isHexLine, prefixOf } from './params.ts';

export interface CommandSpec {
  /** The command line without its CR: `AT+CMGR=3`. */
  command: string;
  /** Time for the final result (for the prompt when there is a payload). Default: the engine's. */
  timeoutMs?: number;
  /** Information-response prefixes this command produces (`+CMGR`); other prefixed lines are unsolicited. */
  prefixes?: string[];
  /** Refines `prefixes`: a `+CREG: 1` URC must not pass for the answer to AT+CREG?. */
  accept?: (line: string) => boolean;
  /** Lines without a prefix that belong to the answer: PDUs ('hex') or free text ('text': text-mode bodies, ATI). */
  data?: 'hex' | 'text';
  /** An OK without any `prefixes` line means the OK was someone else's: the line is out of step. */
  requireInfo?: boolean;
  /** Written after the `>` prompt, then Ctrl-Z (AT+CMGS, 27.005 3.5.1). */
  payload?: string;
  /** Time for the final result after the payload (the network round trip). */
  payloadTimeoutMs?: number;
  /** ATD/ATA: NO CARRIER, BUSY, ... are this command's final result. */
  dial?: boolean;
  /** Firmware that answers a query without OK (Wavecom AT+CPIN?): information lines then silence are success. */
  finalOptional?: boolean;
}

export interface Unsolicited {
  line: string;
  prefix?: string | undefined;
  /** The second line of +CMT / +CDS / +CBM. */
  pdu?: string;
}

export interface EngineHandlers {
  unsolicited(u: Unsolicited): void;
  garbage?(text: string): void;
  /** The engine went out of step (timeout, stray final, garbage burst): the owner should sync() and re-initialise. */
  outOfStep?(reason: string): void;
}

export interface EngineOptions {
  defaultTimeoutMs?: number;
  log?: Logger | undefined;
  /** This many garbage lines within garbageWindowMs is a burst: the line is noise, not a modem. */
  garbageBurst?: number;
  garbageWindowMs?: number;
}

interface Job {
  spec: CommandSpec;
  internal: boolean;
  stage: 'queued' | 'prompt' | 'final';
  lines: string[];
  timer?: NodeJS.Timeout;
  resolve(lines: string[]): void;
  reject(e: Error): void;
}

const ESC = '\x1b';
const CTRL_Z = '\x1a';

export class AtEngine {
  private readonly splitter = new LineSplitter();
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private twoLine: string | undefined;
  private lastCommand: string | undefined;
  private lastPayload: string | undefined;
  private draining = false;
  private closed = false;
  private outOfStepReason: string | undefined;
  private garbageTimes: number[] = [];
  private lastByteAt = Date.now();
  readonly counters = { commands: 0, unsolicited: 0, garbage: 0, timeouts: 0, stray: 0 };

  constructor(
    private readonly write: (data: Buffer) => void,
    private readonly handlers: EngineHandlers,
    private readonly opts: EngineOptions = {},
  ) {}

  /** Bytes from the line, in whatever chunks they came. */
  feed(chunk: Buffer): void {
    this.lastByteAt = Date.now();
    for (const ev of this.splitter.push(chunk)) this.onEvent(ev);
  }

  /** Milliseconds since the modem last sent anything. */
  get quietFor(): number {
    return Date.now() - this.lastByteAt;
  }

  get inStep(): boolean {
    return this.outOfStepReason === undefined;
  }

  /** Queue a command; resolves with its information lines on OK, rejects on an error result or a timeout. */
  run(spec: CommandSpec): Promise<string[]> {
    return this.enqueue(spec, false);
  }

  /**
   * Realign with the modem: drop queued work, cancel any prompt (ESC), wait for the line to go quiet so
   * that late answers to earlier commands are spent, then AT until OK. Unsolicited codes that arrive
   * meanwhile are still delivered.
   */
  async sync(o: { attempts?: number; attemptMs?: number; quietMs?: number; maxDrainMs?: number } = {}): Promise<boolean> {
    const attempts = o.attempts ?? 5;
    const attemptMs = o.attemptMs ?? 1000;
    this.abort('resynchronising with the modem');
    this.draining = true;
    try {
      this.splitter.clear();
      this.twoLine = undefined;
      this.send(ESC);
      await this.waitQuiet(o.quietMs ?? 300, o.maxDrainMs ?? 3000);
      for (let i = 0; i < attempts && !this.closed; i++) {
        try {
          await this.enqueue({ command: 'AT', timeoutMs: attemptMs }, true);
          this.outOfStepReason = undefined;
          return true;
        } catch (e) {
          this.opts.log?.debug({ err: (e as Error).message, attempt: i + 1 }, 'gsm-modem: no answer to AT');
          // A modem answering ERROR to a bare AT is awake but mid-something: let it finish.
          await this.waitQuiet(o.quietMs ?? 300, o.maxDrainMs ?? 3000);
        }
      }
      return false;
    } finally {
      this.draining = false;
    }
  }

  /** Reject the running and queued commands (the port closed, a reset is starting). */
  abort(reason: string): void {
    const jobs = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = undefined;
    for (const job of jobs) {
      if (job.timer) clearTimeout(job.timer);
      job.reject(new AtClosedError(job.spec.command, reason));
    }
    this.splitter.expectPrompt = false;
  }

  close(reason = 'the modem connection closed'): void {
    this.closed = true;
    this.abort(reason);
  }

  private enqueue(spec: CommandSpec, internal: boolean): Promise<string[]> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new AtClosedError(spec.command, 'the modem connection is closed'));
      if (!internal && this.outOfStepReason !== undefined)
        return reject(new AtClosedError(spec.command, `out of step with the modem (${this.outOfStepReason})`));
      this.queue.push({ spec, internal, stage: 'queued', lines: [], resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    this.counters.commands++;
    this.lastCommand = job.spec.command;
    const timeout = job.spec.timeoutMs ?? this.opts.defaultTimeoutMs ?? 10_000;
    if (job.spec.payload !== undefined) {
      job.stage = 'prompt';
      this.splitter.expectPrompt = true;
    } else job.stage = 'final';
    job.timer = setTimeout(() => this.onTimeout(job, timeout), timeout);
    this.opts.log?.trace({ tx: job.spec.command }, 'gsm-modem: >>');
    this.send(job.spec.command + '\r');
  }

  private send(text: string): void {
    try {
      this.write(Buffer.from(text, 'latin1'));
    } catch (e) {
      this.opts.log?.warn({ err: (e as Error).message }, 'gsm-modem: write failed');
    }
  }

  private onEvent(ev: LineEvent): void {
    if (ev.kind === 'prompt') return this.onPrompt();
    if (ev.kind === 'garbage') return this.onGarbage(ev.text);
    this.opts.log?.trace({ rx: ev.text }, 'gsm-modem: <<');
    this.onLine(ev.text);
  }

  private onPrompt(): void {
    const job = this.current;
    if (!job || job.stage !== 'prompt') return;
    job.stage = 'final';
    if (job.timer) clearTimeout(job.timer);
    const ms = job.spec.payloadTimeoutMs ?? job.spec.timeoutMs ?? this.opts.defaultTimeoutMs ?? 10_000;
    job.timer = setTimeout(() => this.onTimeout(job, ms), ms);
    this.lastPayload = job.spec.payload;
    this.send(job.spec.payload! + CTRL_Z);
  }

  private onGarbage(text: string): void {
    this.counters.garbage++;
    this.handlers.garbage?.(text);
    const now = Date.now();
    const window = this.opts.garbageWindowMs ?? 2000;
    this.garbageTimes = this.garbageTimes.filter((t) => now - t < window);
    this.garbageTimes.push(now);
    if (this.garbageTimes.length >= (this.opts.garbageBurst ?? 5) && !this.draining) {
      this.garbageTimes = [];
      this.goOutOfStep('a burst of garbage on the line');
    }
  }

  private onLine(line: string): void {
    if (this.twoLine !== undefined) {
      const head = this.twoLine;
      this.twoLine = undefined;
      if (isHexLine(line)) return this.emit({ line: head, prefix: prefixOf(head), pdu: line });
      // The announced PDU never came: report the header alone and read this line on its own merits.
      this.emit({ line: head, prefix: prefixOf(head) });
    }
    if (isEcho(line, this.lastCommand) || isEcho(line, this.lastPayload)) return;
    const job = this.current && this.current.stage !== 'queued' ? this.current : undefined;
    const final = finalResult(line, job?.spec.dial);
    if (final) {
      if (job) return this.finish(job, final);
      if (this.draining) return;
      this.counters.stray++;
      return this.goOutOfStep(`a final result nobody waited for (${line})`);
    }
    const prefix = prefixOf(line);
    if (job && prefix && job.spec.prefixes?.includes(prefix) && (!job.spec.accept || job.spec.accept(line))) {
      job.lines.push(line);
      return;
    }
    if (isTwoLineUnsolicited(line)) {
      this.twoLine = line;
      return;
    }
    if (prefix || isBareUnsolicited(line)) return this.emit({ line, prefix });
    if (job && job.stage === 'final' && (job.spec.data === 'text' || (job.spec.data === 'hex' && isHexLine(line)))) {
      job.lines.push(line);
      return;
    }
    if (this.draining) return;
    this.emit({ line });
  }

  private emit(u: Unsolicited): void {
    this.counters.unsolicited++;
    try {
      this.handlers.unsolicited(u);
    } catch (e) {
      this.opts.log?.error({ err: e, line: u.line }, 'gsm-modem: unsolicited handler failed');
    }
  }

  private finish(job: Job, final: FinalResult): void {
    if (job.timer) clearTimeout(job.timer);
    this.current = undefined;
    this.splitter.expectPrompt = false;
    if (final.kind === 'ok') {
      if (job.spec.requireInfo && job.lines.length === 0) {
        const e = new AtClosedError(job.spec.command, 'OK came without the information line it must carry: out of step with the modem');
        job.reject(e);
        this.goOutOfStep('an OK that belonged to another command');
      } else job.resolve(job.lines);
    } else job.reject(new AtCommandError(job.spec.command, final, job.lines));
    this.pump();
  }

  private onTimeout(job: Job, ms: number): void {
    if (this.current !== job) return;
    this.current = undefined;
    this.splitter.expectPrompt = false;
    if (job.spec.finalOptional && job.lines.length > 0) {
      job.resolve(job.lines);
      return this.pump();
    }
    // Leave the message-entry state, or the next command would become the text of an SMS.
    if (job.stage === 'prompt') this.send(ESC);
    this.counters.timeouts++;
    job.reject(new AtTimeoutError(job.spec.command, ms, job.stage === 'prompt' ? 'prompt' : 'final'));
    if (!job.internal) this.goOutOfStep(`no answer to ${job.spec.command} within ${ms} ms`);
    else this.pump();
  }

  private goOutOfStep(reason: string): void {
    if (this.outOfStepReason !== undefined) return;
    this.outOfStepReason = reason;
    this.opts.log?.warn({ reason }, 'gsm-modem: out of step with the modem');
    this.abort(`out of step with the modem (${reason})`);
    this.handlers.outOfStep?.(reason);
  }

  private async waitQuiet(quietMs: number, maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    while (!this.closed && this.quietFor < quietMs && Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(quietMs - this.quietFor + 5, 100)));
    }
  }
}
