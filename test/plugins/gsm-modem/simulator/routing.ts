// Where an incoming SMS-DELIVER or SMS-STATUS-REPORT goes, by +CNMI (27.005 §3.4.1): stored with a
// +CMTI/+CDSI indication, stored silently, or handed over directly as +CMT/+CDS, which under
// +CSMS=1 (or cnmaRequired) must be acknowledged with +CNMA (§3.4.4) before the next one.
import { decodePdu, isPduError } from '../../../../core/codecs/pdu/index.ts';
import type { Modem } from './modem.ts';
import { CMS, OK, type Final } from './result-codes.ts';
import type { StoredKind } from './storage.ts';
import { directIndication } from './text-mode.ts';

export type IncomingKind = Extract<StoredKind, 'deliver' | 'status-report'>;

export interface Incoming {
  kind: IncomingKind;
  pdu: string;
  tpduLength: number;
}

/** What became of one incoming PDU. */
export type Route =
  | { route: 'stored'; index: number; indicated: boolean }
  | { route: 'direct' }
  | { route: 'waiting-for-ack' }
  | { route: 'refused-memory-full' }
  /** Not registered (PIN, searching, rebooting): the SC keeps it until the modem is back. */
  | { route: 'held-by-network' }
  | { route: 'dropped' };

interface AckWait {
  message: Incoming;
  timer: NodeJS.Timeout;
}

// 27.005 leaves the TA buffer size open; a few dozen indications is what real TAs keep.
const TA_BUFFER_LIMIT = 32;

export class Routing {
  private ackWait: AckWait | undefined;
  private readonly ackQueue: Incoming[] = [];
  private readonly held: Incoming[] = [];
  private taBuffer: string[][] = [];
  private redeliverTimer: NodeJS.Timeout | undefined;

  constructor(private readonly modem: Modem) {}

  get awaitingAck(): boolean {
    return this.ackWait !== undefined;
  }

  incoming(message: Incoming): Route {
    if (!this.modem.powered || !this.modem.network.registered) {
      this.held.push(message);
      return { route: 'held-by-network' };
    }
    const { cnmi } = this.modem.settings;
    if (message.kind === 'deliver') {
      const cls = messageClass(message.pdu);
      const direct = (cnmi.mt === 2 && cls !== 2) || (cnmi.mt === 3 && cls === 3);
      if (direct) return this.direct(message);
      return this.store(message, cnmi.mt !== 0);
    }
    if (cnmi.ds === 1) return this.direct(message);
    if (cnmi.ds === 2) return this.store(message, true);
    return { route: 'dropped' };
  }

  /** AT+CNMA (n 0 or 1 acknowledges, 2 rejects). */
  acknowledge(positive: boolean): Final {
    const wait = this.ackWait;
    if (!wait) return { kind: 'cms', code: CMS.noAckExpected };
    clearTimeout(wait.timer);
    this.ackWait = undefined;
    // A rejected message is sent again by the network later; the simulator stores it at once.
    if (!positive) this.store(wait.message, false);
    setImmediate(() => this.nextDirect());
    return OK;
  }

  /** +CNMI was set: release or discard what the TA buffered under mode 0 (the <bfr> parameter). */
  cnmiChanged(): void {
    const { mode, bfr } = this.modem.settings.cnmi;
    if (mode === 0) return;
    const buffered = this.taBuffer;
    this.taBuffer = [];
    if (bfr === 0) for (const lines of buffered) this.modem.unsolicited(lines);
  }

  /** A slot was freed: the ME tells the network (RP-SMMA, 24.011) and refused messages come again. */
  memoryFreed(): void {
    if (!this.modem.opts.redeliverWhenFreed || this.held.length === 0 || this.redeliverTimer) return;
    this.redeliverTimer = setTimeout(() => {
      this.redeliverTimer = undefined;
      const again = this.held.splice(0);
      for (const message of again) this.incoming(message);
    }, 50);
  }

  powerOff(): void {
    if (this.ackWait) {
      clearTimeout(this.ackWait.timer);
      // Never acknowledged, so the network still has it and delivers it again after the reboot.
      this.held.push(this.ackWait.message);
      this.ackWait = undefined;
    }
    this.held.push(...this.ackQueue.splice(0));
    this.taBuffer = [];
    if (this.redeliverTimer) clearTimeout(this.redeliverTimer);
    this.redeliverTimer = undefined;
  }

  /** Messages the network still holds: refused for a full SIM, unacknowledged, or sent while unregistered. */
  get heldInNetwork(): number {
    return this.held.length;
  }

  /** On registration the network tries again what it holds. */
  redeliverHeld(): void {
    const again = this.held.splice(0);
    for (const message of again) this.incoming(message);
  }

  private store(message: Incoming, indicate: boolean): Route {
    const mem = this.modem.settings.cpms[2];
    const index = this.modem.storeOf(mem).add({ kind: message.kind, status: 0, pdu: message.pdu, tpduLength: message.tpduLength });
    if (index === undefined) {
      this.held.push(message);
      return { route: 'refused-memory-full' };
    }
    if (indicate) this.indicate([`${message.kind === 'deliver' ? '+CMTI' : '+CDSI'}: "${mem}",${index}`]);
    return { route: 'stored', index, indicated: indicate };
  }

  private ackRequired(): boolean {
    return this.modem.opts.cnmaRequired || this.modem.settings.csms === 1;
  }

  private direct(message: Incoming): Route {
    if (this.ackWait) {
      // 27.005 §3.4.4: no further +CMT/+CDS until the previous one is acknowledged.
      this.ackQueue.push(message);
      return { route: 'waiting-for-ack' };
    }
    let lines: string[];
    try {
      lines = directIndication(this.modem, message);
    } catch (e) {
      // Text mode cannot show a PDU that does not decode; the ME keeps it instead, as for class 2.
      if (!isPduError(e)) throw e;
      return this.store(message, true);
    }
    this.indicate(lines);
    if (this.ackRequired()) {
      const timer = setTimeout(() => this.ackTimedOut(), this.modem.opts.cnmaTimeoutMs);
      this.ackWait = { message, timer };
    }
    return { route: 'direct' };
  }

  private nextDirect(): void {
    const next = this.ackQueue.shift();
    if (next) this.incoming(next);
  }

  // 27.005 §3.4.4: without an acknowledgement in time the ME/TA sets <mt> and <ds> to 0; the
  // network keeps the message and sends it again, which then lands in storage.
  private ackTimedOut(): void {
    const wait = this.ackWait;
    if (!wait) return;
    this.ackWait = undefined;
    this.modem.settings.cnmi.mt = 0;
    this.modem.settings.cnmi.ds = 0;
    const waiting = [wait.message, ...this.ackQueue.splice(0)];
    for (const message of waiting) this.store(message, false);
  }

  private indicate(lines: string[]): void {
    const { mode } = this.modem.settings.cnmi;
    if (mode === 0 || (mode === 1 && this.modem.busy)) {
      // Mode 0 keeps indications in the TA; mode 1 throws them away while the line is reserved.
      if (mode === 0) {
        this.taBuffer.push(lines);
        if (this.taBuffer.length > TA_BUFFER_LIMIT) this.taBuffer.shift();
      }
      return;
    }
    this.modem.unsolicited(lines);
  }
}

function messageClass(pdu: string): number | undefined {
  try {
    const decoded = decodePdu(pdu, { lenient: true });
    return decoded.type === 'deliver' ? decoded.dcs.messageClass : undefined;
  } catch {
    return undefined;
  }
}
