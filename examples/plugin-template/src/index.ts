// nowsms-plugin-webhook: every received message (MO) no user takes goes to a webhook as signed JSON. The
// messages wait in the gateway's durable queue like any outbound message, so a webhook that is down loses
// nothing: each POST is retried on the gateway's schedule until the webhook answers 2xx.
import { definePlugin, matchesMask, parseOptions, type ConnectionState, type NowsmsPlugin } from 'nowsms';
import { optionsSchema, type WebhookOptions } from './options.ts';
import { post } from './post.ts';

export type { WebhookOptions } from './options.ts';
export type { WebhookBody } from './post.ts';

const NAME = 'webhook';

export function webhook(options: WebhookOptions): NowsmsPlugin {
  const opts = parseOptions(NAME, optionsSchema, options);
  return definePlugin({
    name: NAME,
    coreApi: [2],
    setup(api) {
      let state: ConnectionState = 'stopped';
      const counters = { posted: 0, refused: 0 };
      // After the built-in route to users' mailboxes (tapped first by core): a number a user receives stays theirs.
      api.hooks.route.tap(NAME, (message) => {
        if (message.direction !== 'MO') return undefined;
        if (opts.recipients && !opts.recipients.some((mask) => matchesMask(message.to, mask))) return undefined;
        return { kind: 'connection', id: opts.id };
      });
      api.connection({
        id: opts.id,
        kind: 'webhook',
        // No numbers, recipients or anyTraffic: outbound routing never gives it an MT, only the route hook above.
        carries: { sms: true, binary: true, mms: true },
        window: opts.window,
        options: { url: opts.url, secret: opts.secret, recipients: opts.recipients, timeoutSeconds: opts.timeoutSeconds, window: opts.window },
        async start() {
          state = 'up';
        },
        async stop() {
          state = 'stopped';
        },
        status: () => ({ state, detail: opts.url, counters }),
        async send(entry, signal) {
          try {
            const result = await post(opts.url, opts.secret, entry.message, signal, opts.timeoutSeconds * 1000);
            counters.posted++;
            return result;
          } catch (err) {
            counters.refused++;
            throw err;
          }
        },
      });
    },
  });
}
