// The 2-way plug-in: received messages whose first word matches a command go to it (an HTTP URL, a local
// program, a mailto:); the answer goes back to the sender as an SMS. See README.md.
import { definePlugin, parseOptions, type ConnectionState, type NowsmsPlugin } from 'nowsms';
import { matchCommand, resolveCommands } from './commands.ts';
import { mailer } from './mail-action.ts';
import { checkCommands, optionsSchema, type TwoWayOptions } from './options.ts';
import { CONNECTION_ID, REACTOR_NAME, Runner } from './runner.ts';

export { parseTwoWayCommands, type TwoWayOptions, type CommandOptions } from './options.ts';
export { PLACEHOLDERS } from './placeholders.ts';
export { EXIT_TEMPFAIL } from './program-action.ts';
export { CONNECTION_ID as TWO_WAY_CONNECTION_ID, idempotencyKeyOf } from './runner.ts';

export function twoWay(options: TwoWayOptions): NowsmsPlugin {
  const opts = parseOptions('two-way', optionsSchema, options);
  return definePlugin({
    name: 'two-way',
    setup(api) {
      const domains = [api.config.domains.sms.toLowerCase(), api.config.domains.mms.toLowerCase()];
      checkCommands(opts, domains);
      const commands = resolveCommands(opts.commands, domains, (a) => api.normalizeAddress(a));
      const byId = new Map(commands.map((c) => [c.id, c]));
      const timeoutMs = opts.timeoutSeconds * 1000;
      const runner = new Runner({
        api,
        opts,
        commands: byId,
        retry: {
          maxAttempts: opts.retry.maxAttempts ?? api.config.retry.maxAttempts,
          firstDelaySeconds: opts.retry.firstDelaySeconds ?? api.config.retry.firstDelaySeconds,
          stepSeconds: opts.retry.stepSeconds ?? api.config.retry.stepSeconds,
        },
        transport: opts.smarthost ? mailer(opts.smarthost, timeoutMs) : undefined,
      });
      let state: ConnectionState = 'stopped';

      // After the built-in recipient-address route (core taps it first) and after a connection's routeTo and
      // "(FM: user)", which never reach this hook: a route that names a user explicitly wins over a keyword.
      api.hooks.route.tap('two-way', async (message) => {
        if (message.direction !== 'MO') return undefined;
        const c = matchCommand(commands, message);
        if (!c) return undefined;
        if (c.localUser === undefined) return { kind: 'command', id: c.id };
        // mailto: a local user is that user's mailbox, committed as any routed message (POP3, SMPP).
        const user = await api.stores.users.get(c.localUser);
        if (!user || user.removed)
          return { kind: 'reject', temporary: true, reason: `2-way command ${c.id} mails ${c.localUser}, who is not a user: add the user or fix the command` };
        return { kind: 'mailbox', user: user.name };
      });

      api.follow({ name: REACTOR_NAME, durable: true, handle: (changes) => runner.handle(changes) });

      api.connection({
        id: CONNECTION_ID,
        kind: 'two-way',
        options: opts,
        async start() {
          state = 'starting';
          await runner.start();
          state = 'up';
        },
        async stop() {
          await runner.stop();
          state = 'stopped';
        },
        status: () => ({ state, detail: `${commands.length} command${commands.length === 1 ? '' : 's'}`, counters: { ...runner.counters } }),
      });
    },
  });
}
