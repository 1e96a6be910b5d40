// The SMSC connection as the gateway sees it: its routing facts, its state and counters, `send` for the
// dispatcher (one submit_sm per segment, within the window and the throughput limit) and the inbound side
// (receipts, MO). The links underneath keep the binds up.
import smpp from 'smpp';
import {
  flushStaleSegments,
  SendError,
  type Connection,
  type ConnectionContext,
  type ConnectionState,
  type PluginApi,
  type QueueEntry,
  type SendResult,
} from 'nowsms';
import type { GoodFrame } from '../shared/framing.ts';
import { canonicalId } from '../shared/ids.ts';
import { handleInbound, submitter, type InboundCounters } from './inbound.ts';
import { Link, type LinkCounters } from './link.ts';
import { PERMANENT_STATUSES, type ResolvedClientOptions } from './options.ts';
import { requestFailureError, submitStatusError } from './outcome.ts';
import { ReceiptIds } from './receipts.ts';
import type { Session } from './session.ts';
import { submitPdus } from './submit.ts';
import { TokenBucket } from './throttle.ts';
import { Window } from './window.ts';

/** The dispatcher polls a connection that is not up; after this pause it tries again. */
const NOT_BOUND_PAUSE_MS = 1000;

interface SubmitCounters {
  submitted: number;
  submitErrors: number;
  submitTimeouts: number;
  throttledResponses: number;
  inflight: number;
}

type Counters = LinkCounters & InboundCounters & SubmitCounters;

/**
 * The gateway stopping aborts the wait for a submit_sm_resp, so the dispatcher puts the message back while
 * the store is still open; a response arriving after that is logged as late.
 */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new SendError('temporary', 'gateway stopping'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new SendError('temporary', 'gateway stopping before the submit_sm_resp'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function smppClientConnection(api: PluginApi, opts: ResolvedClientOptions): Connection {
  const counters: Counters = {
    binds: 0,
    bindFailures: 0,
    connectionsLost: 0,
    unbindsReceived: 0,
    genericNacks: 0,
    malformedPdus: 0,
    unknownPdus: 0,
    lateResponses: 0,
    submitted: 0,
    submitErrors: 0,
    submitTimeouts: 0,
    throttledResponses: 0,
    inflight: 0,
    receipts: 0,
    unmatchedReceipts: 0,
    mo: 0,
    moSegments: 0,
    inboundRefused: 0,
  };
  const permanent = new Set<number>([...PERMANENT_STATUSES, ...opts.permanentErrors]);
  const window = new Window(opts.window);
  const bucket = new TokenBucket(opts.throughput);
  const receiptIds = new ReceiptIds();
  const log = api.log.child({ connection: opts.id });
  let ctx: ConnectionContext | undefined;
  const recordWaitMs = Math.max(5000, opts.responseTimeoutSeconds * 1000);
  // The store has a message's remote ids once the dispatcher recorded it as sent: receipts waiting for them may go.
  api.hooks.sent.tap(`smpp-client:${opts.id}`, (entry, result) => {
    if (entry.connectionId === opts.id) receiptIds.settle(result.remoteIds ?? []);
  });
  let started = false;
  let flushTimer: NodeJS.Timeout | undefined;
  // Concatenation references: a random start, so that a restart does not reuse the last ones at once.
  let ref = Math.floor(Math.random() * 0x10000);

  const links: Link[] = [];
  const inbound = new Set<Promise<unknown>>();
  const events = {
    onStateChange(link: Link) {
      // A link that came up may have work waiting: wake the dispatcher rather than let it poll.
      if (link.state === 'bound' && link.role !== 'receiver') ctx?.kick();
    },
    onRequest(frame: GoodFrame, session: Session, link: Link) {
      const { pdu } = frame;
      if ((pdu.command === 'deliver_sm' || pdu.command === 'data_sm') && link.role !== 'transmitter' && ctx) {
        const p = handleInbound(frame, {
          connectionId: opts.id,
          ctx,
          log,
          counters,
          receiptIds,
          recordWaitMs,
          ...(opts.routeTo ? { routeTo: opts.routeTo } : {}),
        }).then((status) => session.respond(pdu, status === 0 ? { message_id: '' } : { command_status: status }));
        inbound.add(p);
        void p.finally(() => inbound.delete(p));
        return;
      }
      if (pdu.command === 'deliver_sm' || pdu.command === 'data_sm') {
        session.respond(pdu, { command_status: smpp.ESME_RINVBNDSTS });
        return;
      }
      counters.unknownPdus++;
      log.warn({ command: pdu.command, sequence: pdu.sequence_number }, 'smpp: unexpected request from the SMSC; generic_nack');
      session.nack(pdu.sequence_number, smpp.ESME_RINVCMDID);
    },
  };
  const linkDeps = { log, counters, events };
  if (opts.bind === 'transceiver') links.push(new Link('transceiver', opts, linkDeps));
  else links.push(new Link('transmitter', opts, linkDeps), new Link('receiver', opts, linkDeps));
  const tx = links[0]!;

  function state(): ConnectionState {
    if (!started) return 'stopped';
    if (tx.bound) return 'up';
    if (tx.failures > 0) return 'retrying';
    return 'starting';
  }

  async function submitOne(fields: ReturnType<typeof submitPdus>[number], signal: AbortSignal): Promise<string | undefined> {
    await bucket.take(signal);
    await window.acquire(signal);
    counters.inflight = window.inUse;
    let resp;
    try {
      const session = tx.bound;
      if (!session) throw new SendError('throttled', `not bound to ${opts.host}:${opts.port}`, { pauseMs: NOT_BOUND_PAUSE_MS });
      resp = await untilAborted(session.request('submit_sm', fields), signal);
    } catch (e) {
      const err = requestFailureError(e);
      if (err.cause instanceof Error && (err.cause as { failure?: string }).failure === 'timeout') counters.submitTimeouts++;
      else counters.submitErrors++;
      throw err;
    } finally {
      window.release();
      counters.inflight = window.inUse;
    }
    if (resp.command_status !== 0) {
      const err = submitStatusError(resp.command_status, permanent);
      if (err.failure === 'throttled') counters.throttledResponses++;
      else counters.submitErrors++;
      throw err;
    }
    counters.submitted++;
    const id = canonicalId(resp.message_id ?? '');
    if (id) receiptIds.submitted(id);
    return id || undefined;
  }

  return {
    id: opts.id,
    kind: 'smpp-client',
    numbers: [...opts.numbers, ...(opts.defaultSender ? [opts.defaultSender] : [])],
    recipients: opts.recipients,
    anyTraffic: opts.anyTraffic,
    window: opts.window,
    // SMPP carries SMS only: an MMS routed here would lose its attachments.
    carries: { sms: true, binary: true },

    async start(c) {
      ctx = c;
      started = true;
      for (const l of links) l.start();
      const timeoutMs = opts.reassemblyTimeoutSeconds * 1000;
      const every = Math.min(30_000, Math.max(250, timeoutMs / 4));
      const submit = submitter({ connectionId: opts.id, ctx: c, log, counters, receiptIds, recordWaitMs, ...(opts.routeTo ? { routeTo: opts.routeTo } : {}) });
      flushTimer = setInterval(() => {
        flushStaleSegments(c.stores, submit, timeoutMs, opts.id).then(
          (done) => done.length && log.info({ messages: done.length }, 'smpp: incomplete long MO delivered after the reassembly timeout'),
          (err) => log.error({ err }, 'smpp: cannot deliver timed-out segments'),
        );
      }, every);
      log.info({ host: opts.host, port: opts.port, bind: opts.bind }, 'smpp: connecting');
    },

    async stop() {
      if (flushTimer) clearInterval(flushTimer);
      // Answer what is being committed before unbinding, so the SMSC does not redeliver it needlessly.
      await Promise.allSettled([...inbound]);
      await Promise.all(links.map((l) => l.stop()));
      started = false;
    },

    async send(entry: QueueEntry, signal: AbortSignal): Promise<SendResult> {
      // Routing never sends one here; a message queued before connections declared what they carry might.
      if (entry.message.kind === 'mms')
        throw new SendError('permanent', `${opts.id} is an SMPP connection and cannot carry an MMS (its attachments would be lost)`);
      if (!tx.bound) throw new SendError('throttled', `not bound to ${opts.host}:${opts.port}`, { pauseMs: NOT_BOUND_PAUSE_MS });
      ref = (ref + 1) & 0xffff;
      let pdus;
      try {
        pdus = submitPdus(entry.message, opts, ref);
      } catch (e) {
        throw new SendError('permanent', `cannot encode the message for SMPP: ${(e as Error).message}`);
      }
      const remoteIds: string[] = [];
      try {
        for (const fields of pdus) {
          const id = await submitOne(fields, signal);
          if (id) remoteIds.push(id);
        }
      } catch (e) {
        // The message will be sent again under new ids: receipts for these have nothing to wait for.
        receiptIds.settle(remoteIds);
        throw e;
      }
      const parts = pdus.length > 1 ? ` (${pdus.length} segments)` : '';
      return { remoteIds, detail: `accepted by ${opts.id}${parts}: message id ${remoteIds.join(',') || '(none)'}` };
    },

    status() {
      const detail = links.map((l) => (links.length > 1 ? `${l.role}: ${l.detail}` : l.detail)).join('; ');
      return { state: state(), detail, counters: { ...counters } };
    },
  };
}
