// The modem between its serial line and its radio: reads bytes, runs command lines one at a time,
// writes responses, and holds unsolicited result codes back while a command is in progress so they
// never split a response. A reboot or a vanish starts a new "epoch": whatever the old one was doing
// is abandoned without writing another byte.
import { executeLine } from './executor.ts';
import type { PromptHandler } from './commands/types.ts';
import { finalText, infoText, PROMPT } from './framing.ts';
import { Faults } from './faults.ts';
import { Journal } from './journal.ts';
import { LineDiscipline, type InputEvent } from './line-discipline.ts';
import { Network, type RegistrationStat } from './network.ts';
import { Noise } from './noise.ts';
import type { ResolvedOptions } from './options.ts';
import { seededRandom } from './random.ts';
import { cms, type Final } from './result-codes.ts';
import { Routing } from './routing.ts';
import { powerOnSettings, type Settings } from './settings.ts';
import { SimCard } from './sim-card.ts';
import { MessageStore, type MemoryName } from './storage.ts';

export type Sink = (data: Buffer) => void;

export class Modem {
  settings: Settings;
  readonly sim: SimCard;
  /** The phone's own message store ("ME"): unlike the SIM's, it needs no SIM and stays with the modem. */
  readonly phone: MessageStore;
  readonly network: Network;
  readonly routing: Routing;
  readonly faults = new Faults();
  readonly noise: Noise;
  readonly journal = new Journal();
  readonly internalErrors: Error[] = [];
  /** False while rebooting or vanished: input is dropped and nothing is written. */
  powered = true;
  /** A command line is being executed or a "> " prompt is open. */
  busy = false;
  private epochValue = 0;
  private readonly discipline = new LineDiscipline();
  private input: number[] = [];
  private pumping = false;
  private echoed: number[] = [];
  private held: string[] = [];
  private prompt: PromptHandler | undefined;
  private lastLine: Extract<InputEvent, { kind: 'line' }> | undefined;
  private sink: Sink | undefined;

  constructor(readonly opts: ResolvedOptions) {
    this.settings = this.powerOnSettings();
    this.noise = new Noise(opts.noise, seededRandom(opts.seed));
    this.sim = new SimCard({ pin: opts.pin, puk: opts.puk, capacity: opts.capacity, firstIndex: opts.firstIndex, smsc: opts.smsc, firstMr: opts.firstMr });
    this.phone = new MessageStore(opts.phoneCapacity, opts.firstIndex);
    this.network = new Network(opts.registrationDelayMs, (stat) => this.registrationChanged(stat));
    this.routing = new Routing(this);
    this.simChanged();
  }

  get epoch(): number {
    return this.epochValue;
  }

  alive(epoch: number): boolean {
    return this.powered && epoch === this.epochValue;
  }

  attach(sink: Sink | undefined): void {
    this.sink = sink;
  }

  powerOnSettings(): Settings {
    return powerOnSettings({ echo: this.opts.echo, cmgf: this.opts.powerOnCmgf, mem: this.opts.stores[0]! });
  }

  /** The store a +CPMS <mem> names. */
  storeOf(mem: MemoryName): MessageStore {
    return mem === 'SM' ? this.sim.store : this.phone;
  }

  /** <mem1>: where AT+CMGR, +CMGL and +CMGD read and delete. */
  get readStore(): MessageStore {
    return this.storeOf(this.settings.cpms[0]);
  }

  /** <mem2>: where AT+CMGW writes and AT+CMSS sends from. */
  get writeStore(): MessageStore {
    return this.storeOf(this.settings.cpms[1]);
  }

  feed(chunk: Buffer): void {
    this.journal.record('in', chunk);
    if (!this.powered) return;
    for (const byte of chunk) this.input.push(byte);
    void this.pump();
  }

  write(data: string | Buffer): void {
    if (!this.powered || !this.sink || data.length === 0) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.journal.record('out', bytes);
    this.sink(bytes);
  }

  info(lines: readonly string[], epoch: number): void {
    if (!this.alive(epoch)) return;
    this.write(this.noise.maybe() + infoText(lines, this.settings));
  }

  final(final: Final, epoch: number): void {
    if (!this.alive(epoch)) return;
    this.write(this.noise.maybe() + finalText(final, this.settings));
  }

  /** An unsolicited result code (lines framed as one block); held back while the line is busy. */
  unsolicited(lines: readonly string[]): void {
    const text = infoText(lines, this.settings);
    if (this.busy) this.held.push(text);
    else this.write(text);
  }

  /** Called whenever the SIM may have become ready: only then does the radio look for a network. */
  simChanged(): void {
    if (this.sim.state === 'READY') this.network.attach();
  }

  /** The start of a power cycle: everything in flight is dropped and the line goes dead. */
  powerOff(): void {
    this.epochValue += 1;
    this.powered = false;
    this.pumping = false;
    this.busy = false;
    this.prompt = undefined;
    this.input = [];
    this.echoed = [];
    this.held = [];
    this.discipline.reset();
    this.network.cancel();
    this.network.stat = 0;
    this.routing.powerOff();
    this.settings = this.powerOnSettings();
    this.sim.powerOn();
  }

  /** The end of a power cycle, after `delayMs` of silence: boot lines, then registration. */
  async powerOn(delayMs: number): Promise<void> {
    const epoch = this.epochValue;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (epoch !== this.epochValue) return;
    this.powered = true;
    const cpin = this.sim.state === 'BLOCKED' ? undefined : this.sim.state;
    for (const line of this.opts.bootLines) {
      if (line.includes('{cpin}') && cpin === undefined) continue;
      this.write(this.noise.line(line.replace('{cpin}', cpin ?? '')));
    }
    this.simChanged();
  }

  async reboot(delayMs = this.opts.bootDelayMs): Promise<void> {
    this.powerOff();
    await this.powerOn(delayMs);
  }

  private registrationChanged(stat: RegistrationStat): void {
    if (this.network.registered) setImmediate(() => this.routing.redeliverHeld());
    const n = this.settings.creg;
    if (n === 0 || !this.powered) return;
    const where = n === 2 && (stat === 1 || stat === 5) ? `,"${this.network.lac}","${this.network.ci}"` : '';
    this.unsolicited([`+CREG: ${stat}${where}`]);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const epoch = this.epochValue;
    while (this.input.length > 0 && epoch === this.epochValue) {
      const byte = this.input.shift()!;
      if (this.settings.echo && this.discipline.echoes(byte)) this.echoed.push(byte);
      const event = this.discipline.feed(byte, this.settings.s3, this.settings.s5);
      if (!event) continue;
      this.flushEcho();
      await this.handle(event, epoch);
    }
    if (epoch !== this.epochValue) return;
    this.flushEcho();
    this.pumping = false;
  }

  private flushEcho(): void {
    if (this.echoed.length === 0) return;
    const bytes = Buffer.from(this.echoed);
    this.echoed = [];
    this.write(bytes);
  }

  private async handle(event: InputEvent, epoch: number): Promise<void> {
    if (event.kind === 'body') {
      const prompt = this.prompt;
      this.prompt = undefined;
      if (prompt) await prompt(event.text, event.send);
      this.endCommand(epoch);
      return;
    }
    const line = event.kind === 'repeat' ? this.lastLine : event;
    if (!line) return;
    this.lastLine = line;
    this.journal.commands.push(line.raw);
    // A swallowed command gets no answer at all, as from a modem that hung on it.
    if (this.faults.swallows(line.raw)) return;
    const refusal = this.faults.refusal(line.raw);
    if (refusal !== undefined) {
      this.final(cms(refusal), epoch);
      this.endCommand(epoch);
      return;
    }
    this.busy = true;
    const prompt = await executeLine(this, line.body, epoch);
    if (!this.alive(epoch)) return;
    if (prompt) {
      this.prompt = prompt;
      this.discipline.mode = 'prompt';
      this.write(this.noise.maybe() + PROMPT);
      return;
    }
    this.endCommand(epoch);
  }

  private endCommand(epoch: number): void {
    if (!this.alive(epoch)) return;
    this.busy = false;
    this.write(this.noise.maybe());
    const held = this.held;
    this.held = [];
    for (const text of held) this.write(text);
  }
}
