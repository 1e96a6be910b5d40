// Committing what users submit: a whole message at once, or a long one segment by segment. Each segment is
// stored durably (the core's acceptSegment) before its submit_sm_resp; the segment that completes the
// message commits the whole message, and its answer carries the gateway's message id. The other segments
// are answered with ids of their own, which the message keeps (`meta.smppSegmentIds`) so that each
// submit_sm gets its receipt. Segment keys carry the user: two users' references never meet.
import { isNowsmsError, joinSegments, acceptSegment, newMessageId, segmentKey, segmentKeyPrefix, type NewMessage, type Segment } from 'nowsms';
import type { Concat } from '../shared/encoding.ts';
import { CONNECTION_ID, type ServerContext } from './context.ts';

const KEY_PREFIX = segmentKeyPrefix(CONNECTION_ID);

/**
 * The message the joined segments make: the user's MT, with the ids its segments were answered with.
 * `completedBy` is the segment whose answer will carry the message's own id (none when the message is
 * committed incomplete, after the timeout: then the client knows only the segments' ids).
 */
function asSubmit(joined: NewMessage, user: string, held: Segment[], completedBy?: string): NewMessage {
  const { smppId: _id, user: _user, ...meta } = joined.meta ?? {};
  const ids = held.map((s) => s.meta.smppId).filter((id): id is string => typeof id === 'string' && id !== completedBy);
  return { ...joined, direction: 'MT', user, meta: { ...meta, smppSegmentIds: ids, smppMessageIdGiven: completedBy !== undefined } };
}

interface Waiting {
  message: NewMessage;
  resolve(id: string): void;
  reject(err: unknown): void;
}

/** Submits of one user gathered in one event-loop turn go to the store in one call, at most this many. */
const MAX_BATCH = 200;

export class Intake {
  private readonly batches = new Map<string, Waiting[]>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing = false;
  /** Incomplete messages the gateway refused for good: not offered again in this process. */
  private readonly refused = new Set<string>();

  constructor(private readonly ctx: ServerContext) {}

  /**
   * Commit one whole message; resolves with its id once durable. A windowed client has many submits in
   * flight: those of one user that arrive together are committed in one call (one limit check, one
   * savepoint), and if that call fails each is tried alone, so one bad message never fails its neighbours.
   */
  whole(message: NewMessage): Promise<string> {
    const user = message.user ?? '';
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(user);
      if (!batch) {
        const fresh: Waiting[] = [];
        this.batches.set(user, fresh);
        setImmediate(() => this.flush(user, fresh));
        batch = fresh;
      }
      batch.push({ message, resolve, reject });
      if (batch.length >= MAX_BATCH) this.flush(user, batch);
    });
  }

  private flush(user: string, batch: Waiting[]): void {
    // Already sent when it filled up; a newer batch has its own turn.
    if (this.batches.get(user) !== batch) return;
    this.batches.delete(user);
    void this.ctx.submit(batch.map((w) => w.message)).then(
      (accepted) => batch.forEach((w, i) => w.resolve(accepted[i]!.id)),
      (err) => {
        if (batch.length === 1) batch[0]!.reject(err);
        else for (const w of batch) this.ctx.submit([w.message]).then(([a]) => w.resolve(a!.id), w.reject);
      },
    );
  }

  /** Store one segment; resolves with the id to answer once durable. */
  async segment(user: string, message: NewMessage, concat: Concat): Promise<string> {
    const smppId = newMessageId();
    const key = segmentKey(CONNECTION_ID, `${user}|${message.from}|${message.to}`, concat.ref, concat.total);
    const segment: Segment = {
      key,
      seq: concat.seq,
      total: concat.total,
      receivedAt: new Date(),
      from: message.from,
      to: message.to,
      via: CONNECTION_ID,
      part: message.parts[0]!,
      meta: { ...message.meta, user, smppId },
    };
    const submit = async (joined: NewMessage[]) => {
      const held = await this.ctx.stores.segments.get(key);
      return this.ctx.submit(joined.map((j) => asSubmit(j, user, held, smppId)));
    };
    const accepted = await acceptSegment(this.ctx.stores, submit, segment);
    return accepted ? accepted.id : smppId;
  }

  /** Periodically commit long messages whose remaining segments never came, marked incomplete. */
  start(): void {
    const every = Math.min(60_000, Math.max(1000, (this.ctx.opts.segmentTimeoutSeconds * 1000) / 4));
    this.flushTimer = setInterval(() => void this.flushStale(), every);
    this.flushTimer.unref();
  }

  stop(): void {
    clearInterval(this.flushTimer);
  }

  async flushStale(now = new Date()): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      const before = new Date(now.getTime() - this.ctx.opts.segmentTimeoutSeconds * 1000);
      // Only our own keys: the segment store also holds what SMSC connections are reassembling.
      const keys = (await this.ctx.stores.segments.stale(before)).filter((k) => k.startsWith(KEY_PREFIX) && !this.refused.has(k));
      for (const key of keys) {
        const held = await this.ctx.stores.segments.get(key);
        const user = held[0]?.meta.user;
        if (typeof user !== 'string') continue;
        try {
          const [accepted] = await this.ctx.submit([asSubmit(joinSegments(held), user, held)]);
          this.ctx.log.warn({ key, id: accepted?.id, have: held.length, total: held[0]!.total }, 'incomplete long submit committed as it is');
        } catch (err) {
          if (isNowsmsError(err) && !err.temporary) this.refused.add(key);
          this.ctx.log.error({ err, key }, 'cannot commit an incomplete long submit');
        }
      }
    } catch (err) {
      this.ctx.log.error({ err }, 'cannot look for incomplete long submits');
    } finally {
      this.flushing = false;
    }
  }
}
