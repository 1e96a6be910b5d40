// What the soak sent and what came back: every message the gateway (or a simulator standing for the network)
// acknowledged, by a tag written into its text, and every place a tag turned up. The final check is made
// from this ledger alone.

/** Where a message enters and where it must end up. */
export type Flow = 'smtp>smsc' | 'smtp>modem' | 'smpp>smsc' | 'smpp>modem' | 'smsc-mo>mailbox' | 'modem-mo>mailbox';

export const FLOWS: readonly Flow[] = ['smtp>smsc', 'smtp>modem', 'smpp>smsc', 'smpp>modem', 'smsc-mo>mailbox', 'modem-mo>mailbox'];

const LETTER: Record<Flow, string> = {
  'smtp>smsc': 'A',
  'smtp>modem': 'B',
  'smpp>smsc': 'C',
  'smpp>modem': 'D',
  'smsc-mo>mailbox': 'E',
  'modem-mo>mailbox': 'F',
};
const FLOW_OF: Record<string, Flow> = Object.fromEntries(Object.entries(LETTER).map(([f, l]) => [l, f as Flow]));

/** A tag in a text: `sk<letter><n>z` (the `z` keeps sk A1 from matching inside sk A12). */
export const TAG_RE = /sk([A-F])(\d+)z/g;

export function flowOfTag(tag: string): Flow | undefined {
  return FLOW_OF[tag[2] ?? ''];
}

/** The tags in a text, each once. */
export function tagsIn(text: string): string[] {
  return [...new Set([...text.matchAll(TAG_RE)].map((m) => m[0]))];
}

export interface Acked {
  tag: string;
  flow: Flow;
  /** ms since the start of the run: when the request went out, and when it was acknowledged. */
  sentAt: number;
  ackAt: number;
  /** The gateway's message id (SMTP `250 ... accepted as <id>`, SMPP submit_sm_resp message_id). */
  id?: string;
}

export class Ledger {
  readonly t0 = Date.now();
  readonly acked = new Map<string, Acked>();
  /** Attempts per flow, and those that got no acknowledgement (a refusal, a dropped connection, a timeout). */
  readonly attempts = new Map<Flow, number>();
  readonly unacked = new Map<Flow, number>();
  /** Tags seen in bob's mailbox, each with the distinct POP3 uids it was listed under and when first seen. */
  readonly mailbox = new Map<string, { uids: Set<string>; firstAt: number }>();
  private next = 0;

  now(): number {
    return Date.now() - this.t0;
  }

  tag(flow: Flow): string {
    return `sk${LETTER[flow]}${++this.next}z`;
  }

  attempt(flow: Flow): void {
    this.attempts.set(flow, (this.attempts.get(flow) ?? 0) + 1);
  }

  ack(tag: string, flow: Flow, sentAt: number, id?: string): void {
    this.acked.set(tag, { tag, flow, sentAt, ackAt: this.now(), ...(id ? { id } : {}) });
  }

  refused(flow: Flow): void {
    this.unacked.set(flow, (this.unacked.get(flow) ?? 0) + 1);
  }

  seenInMailbox(tag: string, uid: string): void {
    const m = this.mailbox.get(tag) ?? { uids: new Set<string>(), firstAt: this.now() };
    m.uids.add(uid);
    this.mailbox.set(tag, m);
  }
}
