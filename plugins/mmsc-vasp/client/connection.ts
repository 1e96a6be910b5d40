// The outbound MM7 connection as the gateway sees it: routing facts, `send` for the dispatcher (one
// SubmitReq per message), its state and counters. HTTP has no bind: the connection is up from the start
// and while the MMSC answers. After no answer (refused, reset, timeout, HTTP 5xx without MM7) or a
// temporary MM7 failure (3000, 4006, a Server fault) it is `retrying`, after refused credentials or a wrong
// URL `down`, each for a pause (the first retry delay; a minute for the config problems): the dispatcher
// sends nothing meanwhile, then the next send is the probe.
import http from 'node:http';
import https from 'node:https';
import { SendError, type Connection, type ConnectionState, type PluginApi, type QueueEntry, type SendResult } from 'nowsms';
import { buildMm7 } from '../mm7/index.ts';
import type { ResolvedMm7ClientOptions } from './options.ts';
import { CONFIG_PAUSE_MS, outcomeOf, type LinkEffect } from './outcome.ts';
import { post, PostError } from './post.ts';
import { submitReqOf } from './submit.ts';

export function mm7ClientConnection(api: PluginApi, opts: ResolvedMm7ClientOptions): Connection {
  const url = new URL(opts.url);
  const where = `the MMSC at ${url.host}`;
  const log = api.log.child({ connection: opts.id });
  const counters = { sent: 0, failed: 0 };
  const endpoint = `${url.origin}${url.pathname}`;
  let started = false;
  let problem: { state: ConnectionState; detail: string; until: number } | undefined;
  let agent: http.Agent | https.Agent | undefined;

  function linkIs(effect: LinkEffect): void {
    if (effect.state === 'up') {
      if (problem) log.info({ url: endpoint }, 'mm7: the MMSC answers again');
      problem = undefined;
      return;
    }
    const pauseMs = effect.state === 'down' ? CONFIG_PAUSE_MS : api.config.retry.firstDelaySeconds * 1000;
    if (problem?.detail !== effect.detail) log.warn({ why: effect.detail, pauseMs }, `mm7: connection ${effect.state}`);
    problem = { state: effect.state, detail: effect.detail, until: Date.now() + pauseMs };
  }

  return {
    id: opts.id,
    kind: 'mm7',
    numbers: [...opts.numbers, ...(opts.defaultSender ? [opts.defaultSender] : [])],
    recipients: opts.recipients,
    anyTraffic: opts.anyTraffic,
    window: opts.window,
    carries: { mms: true },

    async start() {
      const options = { keepAlive: true, maxSockets: opts.window };
      agent = url.protocol === 'https:' ? new https.Agent({ ...options, rejectUnauthorized: opts.rejectUnauthorized }) : new http.Agent(options);
      started = true;
      problem = undefined;
      log.info({ url: endpoint, version: opts.version }, 'mm7: ready to submit to the MMSC');
    },

    async stop() {
      agent?.destroy();
      agent = undefined;
      started = false;
    },

    async send(entry: QueueEntry, signal: AbortSignal): Promise<SendResult> {
      if (entry.message.kind !== 'mms') throw new SendError('permanent', `${opts.id} is an MM7 connection and carries MMS only`);
      if (!agent) throw new SendError('temporary', `${opts.id} is not started`);
      let request;
      try {
        request = buildMm7(submitReqOf(entry.message, opts, entry.messageId), opts.version, opts.mm7Version ? { mm7Version: opts.mm7Version } : {});
      } catch (e) {
        counters.failed++;
        throw e instanceof SendError ? e : new SendError('permanent', `cannot write the MMS as an MM7 SubmitReq: ${(e as Error).message}`);
      }
      const postOptions = {
        url,
        user: opts.vaspId,
        password: opts.password,
        soapAction: opts.soapAction,
        timeoutMs: opts.timeoutSeconds * 1000,
        agent,
        signal,
      };
      let answer;
      try {
        try {
          answer = await post(request, postOptions);
        } catch (e) {
          // A kept-alive connection the MMSC closed while idle fails at once: that request never reached
          // it, so it goes again on a fresh connection (Node's advice for reused sockets).
          if (!(e instanceof PostError && e.staleSocket)) throw e;
          answer = await post(request, postOptions);
        }
      } catch (e) {
        counters.failed++;
        const why = e instanceof PostError && e.kind === 'aborted' ? e.message : `cannot reach ${where}: ${(e as Error).message}`;
        if (!(e instanceof PostError && e.kind === 'aborted')) linkIs({ state: 'retrying', detail: why });
        throw new SendError('temporary', why, { cause: e });
      }
      const outcome = outcomeOf(answer, where);
      linkIs(outcome.link);
      if (outcome.error) {
        counters.failed++;
        throw outcome.error;
      }
      counters.sent++;
      return outcome.result!;
    },

    status() {
      if (!started) return { state: 'stopped', detail: endpoint, counters: { ...counters } };
      if (problem && Date.now() < problem.until) return { state: problem.state, detail: problem.detail, counters: { ...counters } };
      return { state: 'up', detail: endpoint, counters: { ...counters } };
    },
  };
}
