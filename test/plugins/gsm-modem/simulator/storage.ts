// A message store, the SIM's ("SM") or the phone's own memory ("ME"): fixed slots, lowest free index
// first, and nothing leaves a slot until AT+CMGD (or a delete flag) says so, so a gateway killed between
// +CMGR and its own commit still finds the message after a restart.

/** 27.005 §3.2.2 <mem>: the stores this modem has. */
export type MemoryName = 'SM' | 'ME';

/** 27.005 §3.1 <stat>: 0 REC UNREAD, 1 REC READ, 2 STO UNSENT, 3 STO SENT. */
export type MessageStatus = 0 | 1 | 2 | 3;

export const STATUS_TEXT = ['REC UNREAD', 'REC READ', 'STO UNSENT', 'STO SENT'] as const;

export type StoredKind = 'deliver' | 'status-report' | 'submit';

export interface StoredMessage {
  index: number;
  status: MessageStatus;
  kind: StoredKind;
  /** Hex, SMSC address first, as +CMGR hands it over. */
  pdu: string;
  /** Octets after the SMSC address: the <length> of +CMGR and +CMGL. */
  tpduLength: number;
  storedAt: Date;
}

export class MessageStore {
  private readonly slots = new Map<number, StoredMessage>();

  constructor(
    readonly capacity: number,
    readonly firstIndex: number,
  ) {}

  get used(): number {
    return this.slots.size;
  }

  get lastIndex(): number {
    return this.firstIndex + this.capacity - 1;
  }

  inRange(index: number): boolean {
    return Number.isInteger(index) && index >= this.firstIndex && index <= this.lastIndex;
  }

  /** The index it went to, or undefined when every slot is taken. */
  add(entry: Omit<StoredMessage, 'index' | 'storedAt'>): number | undefined {
    for (let index = this.firstIndex; index <= this.lastIndex; index++) {
      if (this.slots.has(index)) continue;
      this.slots.set(index, { ...entry, index, storedAt: new Date() });
      return index;
    }
    return undefined;
  }

  get(index: number): StoredMessage | undefined {
    return this.slots.get(index);
  }

  setStatus(index: number, status: MessageStatus): void {
    const m = this.slots.get(index);
    if (m) m.status = status;
  }

  delete(index: number): boolean {
    return this.slots.delete(index);
  }

  /** 27.005 §3.5.4 <delflag>: 1 read, 2 read and sent, 3 read, sent and unsent, 4 all. */
  deleteByFlag(flag: 1 | 2 | 3 | 4): number {
    const doomed: Record<number, readonly MessageStatus[]> = { 1: [1], 2: [1, 3], 3: [1, 2, 3], 4: [0, 1, 2, 3] };
    let count = 0;
    for (const m of this.list()) {
      if (doomed[flag]!.includes(m.status)) count += Number(this.slots.delete(m.index));
    }
    return count;
  }

  list(status?: MessageStatus): StoredMessage[] {
    return [...this.slots.values()].filter((m) => status === undefined || m.status === status).sort((a, b) => a.index - b.index);
  }

  clear(): void {
    this.slots.clear();
  }
}
