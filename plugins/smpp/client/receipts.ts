// Which sent message a receipt is about, and when it may be reported: an SMSC can send the receipt before
// the gateway has recorded the submit_sm_resp id (the dispatcher stores remote ids once `send` returns,
// after the last segment), so a receipt for an id not yet recorded waits for it rather than being kept as
// unmatched.
// The receipt's id is compared in canonical form (shared/ids.ts);
// when the SMSC converts ids between hex and decimal, the conversion is recognised from the ids this
// connection submitted recently and remembered, so that receipts arriving after a restart (when the recent
// ids are gone) are still matched on the first try.
import { candidateIds, canonicalId, submittedIdFor, type IdConversion } from '../shared/ids.ts';

const RECENT_LIMIT = 200_000;

export interface Resolution {
  /** The id to report first. */
  id: string;
  /** Ids to try, in order, if the first matches nothing (only when nothing recent decided it). */
  fallbacks: string[];
}

export class ReceiptIds {
  private readonly recent = new Set<string>();
  private readonly unrecorded = new Map<string, { done: Promise<void>; resolve: () => void }>();
  private conversion: IdConversion | undefined;

  /** A submit_sm_resp id the store does not have yet. */
  submitted(id: string): void {
    this.remember(id);
    if (this.unrecorded.has(id)) return;
    if (this.unrecorded.size >= RECENT_LIMIT) {
      // A store that never confirmed (it failed while recording) must not grow this without bound.
      const oldest = this.unrecorded.keys().next().value;
      if (oldest !== undefined) this.settle([oldest]);
    }
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.unrecorded.set(id, { done, resolve });
  }

  /** The store has these ids (the message was recorded as sent), or never will under them (the send failed). */
  settle(ids: Iterable<string>): void {
    for (const id of ids) {
      this.unrecorded.get(id)?.resolve();
      this.unrecorded.delete(id);
    }
  }

  /** Wait, at most `maxMs`, until the store has this id if it is one of ours still on its way there. */
  async recorded(id: string, maxMs: number): Promise<void> {
    const u = this.unrecorded.get(id);
    if (!u) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([u.done, new Promise<void>((r) => (timer = setTimeout(r, maxMs)))]);
    clearTimeout(timer);
  }

  /** A submit_sm_resp id (canonical), kept to recognise its receipt. */
  remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_LIMIT) {
      // Sets iterate in insertion order: the first is the oldest.
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** The learned conversion, for status and tests. */
  get learned(): IdConversion | undefined {
    return this.conversion;
  }

  resolve(receiptId: string): Resolution {
    const candidates = candidateIds(receiptId);
    const known = candidates.find((c) => this.recent.has(c.id));
    if (known) {
      this.conversion = known.conversion;
      return { id: known.id, fallbacks: [] };
    }
    const learned = this.conversion && submittedIdFor(receiptId, this.conversion);
    const first = learned || canonicalId(receiptId);
    return { id: first, fallbacks: candidates.map((c) => c.id).filter((id) => id !== first) };
  }

  /** A fallback matched: that is how this SMSC writes its receipts. */
  confirm(receiptId: string, matchedId: string): void {
    const c = candidateIds(receiptId).find((x) => x.id === matchedId);
    if (c) this.conversion = c.conversion;
  }
}
