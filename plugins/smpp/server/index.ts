// The SMPP server: applications bind with a user's name and password, submit messages, and receive the
// messages routed to that user and the receipts of their submits (see README.md).
import { definePlugin, loadCertificate, NowsmsError, parseOptions, refuseRenamedOptions, type ConnectionState, type NowsmsPlugin } from 'nowsms';
import { CONNECTION_ID, newCounters, type ServerContext } from './context.ts';
import { dispatcher } from './dispatch.ts';
import { Intake } from './intake.ts';
import { SmppListener } from './listener.ts';
import { optionsSchema, type SmppServerOptions } from './options.ts';
import { Receipts, RECEIPTS_REACTOR } from './receipts.ts';
import { Registry } from './registry.ts';
import { Throttle } from './throttle.ts';

export type { SmppServerOptions } from './options.ts';

export function smppServer(options?: SmppServerOptions): NowsmsPlugin {
  refuseRenamedOptions(CONNECTION_ID, options, { bindTimeoutSeconds: 'loginTimeoutSeconds' });
  const opts = parseOptions(CONNECTION_ID, optionsSchema, options);
  return definePlugin({
    name: CONNECTION_ID,
    setup(api) {
      const counters = newCounters();
      let state: ConnectionState = 'stopped';
      let detail: string | undefined;
      let listener: SmppListener | undefined;
      let parts: { registry: Registry; intake: Intake; receipts: Receipts } | undefined;

      const cert = opts.tls === false ? undefined : (opts.tls ?? api.config.tls);
      if (opts.tlsPort !== undefined && !cert)
        throw new NowsmsError(
          'NOWSMS_ERR_CONFIG',
          `plugins.${CONNECTION_ID}.tlsPort needs a certificate: set tls in the config (or plugins.${CONNECTION_ID}.tls)`,
        );

      // Both follow the event log, so what another process commits (`nowsms inject`, a report recorded while
      // the gateway was down) reaches them too. The gateway hands changes over only while connections run.
      api.hooks.inMailbox.tap(CONNECTION_ID, (change) => {
        if (change.target?.kind === 'mailbox') parts?.registry.offer(change.target.user, change.messageId);
      });
      // An operator's delete (from any process) withdraws a message still waiting for a bound receiver.
      api.follow({
        name: `${CONNECTION_ID}:withdrawn`,
        handle: (changes) => {
          for (const c of changes) if (c.status === 'deleted') parts?.registry.withdraw(c.messageId);
        },
      });
      api.follow({
        name: RECEIPTS_REACTOR,
        durable: true,
        handle: (changes) => {
          // Not yet started (or stopping): the cursor stays, and the changes come again.
          if (!parts) throw new Error('the smpp server is not running: its receipts wait for it');
          return parts.receipts.handle(changes);
        },
      });

      api.connection({
        id: CONNECTION_ID,
        kind: 'smpp-server',
        options: opts,
        // What a bound user is given in deliver_sm: text and binary SMS (of an MMS, only its text).
        carries: { sms: true, binary: true },
        async start(cctx) {
          state = 'starting';
          const ctx: ServerContext = {
            opts,
            config: api.config,
            auth: api.auth,
            stores: cctx.stores,
            submit: (m) => cctx.submit(m),
            normalizeAddress: (a) => api.normalizeAddress(a),
            log: cctx.log,
            counters,
            authFailuresPerSession: api.config.security.authFailuresPerSession,
          };
          const registry = new Registry(ctx);
          const intake = new Intake(ctx);
          const receipts = new Receipts(ctx);
          let certificate: { key: Buffer; cert: Buffer } | undefined;
          try {
            certificate = cert && loadCertificate(cert, api.config.configDir, 'smpp-server');
          } catch (err) {
            state = 'down';
            detail = (err as Error).message;
            throw err;
          }
          const l = new SmppListener(
            ctx,
            {
              host: opts.host,
              port: opts.port,
              tlsPort: opts.tlsPort,
              certificate,
              maxSessions: opts.maxSessions,
              maxSessionsPerIp: opts.maxSessionsPerIp,
              loginTimeoutSeconds: opts.loginTimeoutSeconds,
            },
            {
              maxPending: opts.maxPending,
              maxBadPdus: opts.maxBadPdus,
              enquireLinkMs: opts.enquireLinkSeconds * 1000,
              idleTimeoutMs: opts.idleTimeoutSeconds * 1000,
              responseTimeoutMs: opts.responseTimeoutSeconds * 1000,
            },
            {
              request: dispatcher(ctx, { registry, intake, throttle: new Throttle(opts.throughput, opts.userThroughput) }),
              bad: (s, reason, bytes) => {
                counters.badPdus++;
                ctx.log.warn({ session: s.id, ip: s.ip, user: s.user?.name, reason, pdu: bytes.toString('hex') }, 'smpp pdu refused with generic_nack');
              },
              closed: (s) => registry.gone(s),
            },
          );
          try {
            await l.listen();
          } catch (err) {
            await l.close();
            state = 'down';
            // The front door's error already names the address and the option (port or tlsPort) to change.
            detail = (err as Error).message;
            throw err;
          }
          listener = l;
          parts = { registry, intake, receipts };
          intake.start();
          state = 'up';
          detail = undefined;
          ctx.log.info({ listening: l.listening }, 'smpp server listening');
        },
        async stop() {
          const l = listener;
          listener = undefined;
          parts?.intake.stop();
          parts = undefined;
          if (l) await l.close();
          state = 'stopped';
        },
        status() {
          return { state, ...(detail ? { detail } : {}), listening: listener?.listening ?? [], counters: { ...counters } };
        },
      });
    },
  });
}
