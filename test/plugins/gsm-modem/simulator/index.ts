// A GSM modem on the far end of a serial line (3GPP TS 27.007, TS 27.005 in PDU and text mode,
// ITU-T V.250 command syntax), for tests of the gateway's modem plug-in. The test drives the
// radio side through this class (incoming SMS, status reports, faults) and the gateway talks AT
// to the other end of a socat pty pair. See README.md for what is and is not simulated.
import path from 'node:path';
import { encodeSmscAddress } from '../../../../core/codecs/pdu/index.ts';
import { ptyPair, type PtyPair } from '../../../helpers/socat.ts';
import type { RejectedSend, SentMessage } from './journal.ts';
import { Modem } from './modem.ts';
import { deliverPdus, statusReportPdu, type DeliverOptions, type StatusReportOptions } from './network-messages.ts';
import type { NoiseOptions } from './noise.ts';
import { resolveOptions, type SimulatorOptions } from './options.ts';
import { ModemPort } from './port.ts';
import type { IncomingKind, Route } from './routing.ts';
import type { Settings } from './settings.ts';
import type { SimState } from './sim-card.ts';
import { STATUS_TEXT, type MemoryName, type StoredMessage } from './storage.ts';
import type { RegistrationStat } from './network.ts';

export type { SimulatorOptions } from './options.ts';
export type { DeliverOptions, StatusReportOptions } from './network-messages.ts';
export type { SentMessage, RejectedSend } from './journal.ts';
export type { NoiseOptions } from './noise.ts';
export type { Route } from './routing.ts';

export interface Delivery {
  /** Hex, SMSC address first, as the modem stores and hands it over. */
  pdu: string;
  tpduLength: number;
  route: Route;
}

export interface StoredMessageView extends StoredMessage {
  statusText: (typeof STATUS_TEXT)[number];
  /** The store it is in. */
  mem: MemoryName;
}

const MODEM_LINK = 'ttyMODEM';

export class ModemSimulator {
  private readonly modem: Modem;
  private port: ModemPort | undefined;
  private currentPty: PtyPair | undefined;
  private readonly ownedPtys: PtyPair[] = [];
  private concatRef = 0;

  private constructor(
    readonly path: string,
    opts: SimulatorOptions,
  ) {
    this.modem = new Modem(resolveOptions(opts));
    this.currentPty = opts.pty;
    this.modem.attach((bytes) => this.port?.write(bytes));
  }

  static async open(path: string, opts: SimulatorOptions = {}): Promise<ModemSimulator> {
    const sim = new ModemSimulator(path, opts);
    await sim.openPort();
    return sim;
  }

  /** open() on the pair's modem end, keeping the pair so that vanish() and reappear() can replace it. */
  static async attach(pair: PtyPair, opts: SimulatorOptions = {}): Promise<ModemSimulator> {
    return ModemSimulator.open(pair.modemPath, { ...opts, pty: pair });
  }

  /** Closes the port and any pty pair reappear() made; a pair the test passed in stays the test's to close. */
  async close(): Promise<void> {
    this.modem.powerOff();
    await this.port?.close();
    this.port = undefined;
    for (const pair of this.ownedPtys.splice(0)) await pair.close();
  }

  /** The pair the simulator sits on now (after reappear(), a new one with the same paths). */
  get pty(): PtyPair | undefined {
    return this.currentPty;
  }

  // --- the radio side ------------------------------------------------------------------------

  /** An SMS from a phone: stored with +CMTI, or given as +CMT, per +CNMI; a long text makes several. */
  deliver(opts: DeliverOptions): Delivery[] {
    const pdus = deliverPdus(opts, this.modem.sim.smsc, () => ++this.concatRef);
    return pdus.map(({ pdu, tpduLength }) => this.incoming('deliver', pdu, tpduLength));
  }

  /** A raw SMS-DELIVER or SMS-STATUS-REPORT; without an SMSC prefix (hasSmsc false) the SIM's is put in front. */
  deliverPdu(hex: string, opts: { hasSmsc?: boolean } = {}): Delivery {
    let pdu = hex.replace(/\s+/g, '').toUpperCase();
    if (opts.hasSmsc === false) pdu = encodeSmscAddress(this.modem.sim.smsc).toString('hex').toUpperCase() + pdu;
    const smscOctets = parseInt(pdu.slice(0, 2), 16);
    const firstOctet = parseInt(pdu.slice(2 + smscOctets * 2, 4 + smscOctets * 2), 16);
    if (!/^([0-9A-F]{2})+$/.test(pdu) || Number.isNaN(firstOctet)) throw new Error(`not a PDU: ${hex}`);
    // TP-MTI in the network-to-MS direction: 0 SMS-DELIVER, 2 SMS-STATUS-REPORT (23.040 §9.2.3.1).
    const mti = firstOctet & 0x03;
    if (mti !== 0 && mti !== 2) throw new Error(`TP-MTI ${mti} is not something the network delivers`);
    return this.incoming(mti === 0 ? 'deliver' : 'status-report', pdu, pdu.length / 2 - 1 - smscOctets);
  }

  /** The SMSC's report on a message the gateway sent, found by the <mr> the modem gave it. */
  statusReport(mr: number, opts: StatusReportOptions): Delivery {
    const sent = [...this.modem.journal.sent].reverse().find((s) => s.mr === mr);
    if (!sent) throw new Error(`no message was sent with <mr> ${mr}`);
    const { pdu, tpduLength } = statusReportPdu(sent, opts, this.modem.sim.smsc);
    return this.incoming('status-report', pdu, tpduLength);
  }

  setRegistration(stat: RegistrationStat): void {
    this.modem.network.target = stat;
    this.modem.network.set(stat);
  }

  setSignal(rssi: number, ber = 99): void {
    this.modem.network.rssi = rssi;
    this.modem.network.ber = ber;
  }

  // --- what happened -------------------------------------------------------------------------

  /** Every SMS-SUBMIT the modem accepted, in order. */
  get sent(): readonly SentMessage[] {
    return this.modem.journal.sent;
  }

  /** Submissions refused because of failNextSends(). */
  get rejectedSends(): readonly RejectedSend[] {
    return this.modem.journal.rejectedSends;
  }

  /** Every command line received, from "AT" on, without the terminator. */
  get commands(): readonly string[] {
    return this.modem.journal.commands;
  }

  /** What the SIM's store holds, then the phone memory's. */
  storedMessages(): StoredMessageView[] {
    return (['SM', 'ME'] as const).flatMap((mem) =>
      this.modem
        .storeOf(mem)
        .list()
        .map((m) => ({ ...m, statusText: STATUS_TEXT[m.status], mem })),
    );
  }

  get settings(): Readonly<Settings> {
    return this.modem.settings;
  }

  get simState(): SimState {
    return this.modem.sim.state;
  }

  get pinAttemptsLeft(): number {
    return this.modem.sim.pinAttemptsLeft;
  }

  /** Messages the network still holds: refused for a full SIM, unacknowledged, or sent while unregistered. */
  get heldInNetwork(): number {
    return this.modem.routing.heldInNetwork;
  }

  /** Simulator bugs caught while executing commands (answered with ERROR); a test should expect none. */
  get internalErrors(): readonly Error[] {
    return this.modem.internalErrors;
  }

  /** Both directions of the line, one chunk per line, for a failing test's message. */
  transcript(): string {
    return this.modem.journal.render();
  }

  async waitFor<T>(predicate: () => T | false | null | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value !== false && value !== null && value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`modem simulator: timed out after ${timeoutMs} ms waiting for ${what}\n${this.transcript().split('\n').slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async waitForCommand(pattern: RegExp | string, timeoutMs = 5000): Promise<string> {
    const re = typeof pattern === 'string' ? new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i') : pattern;
    return this.waitFor(() => this.commands.find((c) => re.test(c)), timeoutMs, `a command matching ${re}`);
  }

  async waitForSent(count: number, timeoutMs = 5000): Promise<readonly SentMessage[]> {
    return this.waitFor(() => this.sent.length >= count && this.sent, timeoutMs, `${count} sent message(s)`);
  }

  // --- misbehaviour --------------------------------------------------------------------------

  failNextSends(n: number, cmsError = 500): void {
    this.modem.faults.failNextSends(n, cmsError);
  }

  /** Command lines matching this (a string matches as a case-insensitive prefix of "AT...") get no answer at all. */
  noAnswer(commandPattern: RegExp | string, times = 1): void {
    this.modem.faults.noAnswer(commandPattern, times);
  }

  /** Command lines matching this answer +CMS ERROR (500, unknown error, by default) and do nothing, until clearFaults(). */
  refuse(commandPattern: RegExp, cmsError = 500): void {
    this.modem.faults.refuse(commandPattern, cmsError);
  }

  /** Every +CMGS/+CMSS waits this long before its result. */
  slowCmgs(ms: number): void {
    this.modem.faults.cmgsDelayMs = ms;
  }

  clearFaults(): void {
    this.modem.faults.clear();
  }

  /** Sprinkle unsolicited lines between and around responses from now on (false stops it). */
  noise(on: boolean | NoiseOptions = true): void {
    const n = this.modem.noise;
    n.enabled = on !== false;
    if (typeof on === 'object') {
      n.probability = on.probability ?? n.probability;
      n.lines = on.lines ?? n.lines;
    }
  }

  /** Put unsolicited lines on the line now: the given ones, or `count` random noise lines. */
  unsolicited(lines: readonly string[] | number = 1): void {
    const list = typeof lines === 'number' ? Array.from({ length: lines }, () => undefined) : lines;
    for (const line of list) this.modem.write(this.modem.noise.line(line));
  }

  /** Random bytes on the line, as from a modem with a bad cable or a baud-rate mismatch. */
  garbage(bytes: number | Buffer = 32): void {
    this.modem.write(typeof bytes === 'number' ? this.modem.noise.garbage(bytes) : bytes);
  }

  /** Power-cycles the modem, whatever it was doing: resolves once the boot lines are out. */
  async reboot(opts: { delayMs?: number } = {}): Promise<void> {
    await this.modem.reboot(opts.delayMs);
  }

  /**
   * Like unplugging a USB modem: the device goes away. With the pty pair known (attach(), or the
   * pty option), socat is killed, so the gateway's port closes with a "disconnected" error and
   * the path disappears; otherwise only this end closes, and the gateway just hears nothing.
   */
  async vanish(): Promise<void> {
    this.modem.powerOff();
    if (this.currentPty) await this.currentPty.close();
    await this.port?.close();
    this.port = undefined;
  }

  /** Plugged in again: a new pty pair on the same paths (when the pair is known), a fresh power-on. */
  async reappear(opts: { delayMs?: number } = {}): Promise<void> {
    if (this.port) return;
    if (this.currentPty) {
      if (path.basename(this.path) !== MODEM_LINK) throw new Error(`reappear() recreates ptyPair() layouts only; ${this.path} is not one`);
      this.currentPty = await ptyPair(path.dirname(this.path));
      this.ownedPtys.push(this.currentPty);
    }
    await this.openPort();
    await this.modem.powerOn(opts.delayMs ?? this.modem.opts.bootDelayMs);
  }

  private async openPort(): Promise<void> {
    // The close callback may come late, after reappear() opened the next port: only forget our own.
    const port: ModemPort = await ModemPort.open(
      this.path,
      (chunk) => this.modem.feed(chunk),
      () => {
        if (this.port === port) this.port = undefined;
      },
    );
    this.port = port;
  }

  private incoming(kind: IncomingKind, pdu: string, tpduLength: number): Delivery {
    return { pdu, tpduLength, route: this.modem.routing.incoming({ kind, pdu, tpduLength }) };
  }
}
