// The POP3 plug-in: users fetch the SMS and MMS routed to their mailbox as e-mails (RFC 1939).
import os from 'node:os';
import { definePlugin, loadCertificate, NowsmsError, parseOptions, type ConnectionState, type NowsmsPlugin } from 'nowsms';
import { newCounters, type Pop3Context } from './context.ts';
import { locksFor, MAILDROP_LOCK_TTL_MS } from './locks.ts';
import { optionsSchema, type Pop3Options } from './options.ts';
import { Pop3Server } from './server.ts';
import { msgIdHost } from './timestamp.ts';

export type { Pop3Options } from './options.ts';
export { renderMessage } from './render.ts';

export function pop3(options?: Pop3Options): NowsmsPlugin {
  const opts = parseOptions('pop3', optionsSchema, options);
  return definePlugin({
    name: 'pop3',
    setup(api) {
      const counters = newCounters();
      let state: ConnectionState = 'stopped';
      let detail: string | undefined;
      let server: Pop3Server | undefined;

      api.connection({
        id: 'pop3',
        kind: 'pop3',
        options: opts,
        async start(ctx) {
          state = 'starting';
          const cert = opts.tls === false ? undefined : (opts.tls ?? api.config.tls);
          if (opts.tlsPort !== undefined && !cert) {
            state = 'down';
            detail = 'tlsPort without a certificate';
            throw new NowsmsError('NOWSMS_ERR_CONFIG', 'plugins.pop3.tlsPort needs a certificate: set tls in the config (or plugins.pop3.tls)');
          }
          if (opts.requireTLS && !cert) {
            state = 'down';
            detail = 'requireTLS without a certificate';
            throw new NowsmsError('NOWSMS_ERR_CONFIG', 'plugins.pop3.requireTLS needs a certificate: set tls in the config (or plugins.pop3.tls)');
          }
          const context: Pop3Context = {
            auth: api.auth,
            mailboxes: ctx.stores.mailboxes,
            messages: ctx.stores.messages,
            domains: api.config.domains,
            smilAttachments: opts.smilAttachments,
            log: ctx.log,
            // One lock table per data directory, and a store lease per open maildrop for the other nodes.
            locks: locksFor(api.config.dataDir, {
              leases: ctx.stores.leases,
              node: api.config.nodeId,
              ttlMs: MAILDROP_LOCK_TTL_MS,
              warn: (err, user) => ctx.log.warn({ err, user }, 'could not renew or release the maildrop lock in the store'),
            }),
            counters,
            hostname: msgIdHost(opts.hostname ?? os.hostname()),
            tlsAvailable: cert !== undefined,
            requireTLS: opts.requireTLS,
            authFailuresPerSession: api.config.security.authFailuresPerSession,
          };
          let certificate: { key: Buffer; cert: Buffer } | undefined;
          try {
            certificate = cert && loadCertificate(cert, api.config.configDir, 'pop3');
          } catch (err) {
            state = 'down';
            detail = (err as Error).message;
            throw err;
          }
          const s = new Pop3Server(context, {
            host: opts.host,
            port: opts.port,
            tlsPort: opts.tlsPort,
            certificate,
            idleTimeoutMs: opts.idleTimeoutSeconds * 1000,
            maxBadCommands: opts.maxBadCommands,
            maxSessions: opts.maxSessions,
            maxSessionsPerIp: opts.maxSessionsPerIp,
            loginTimeoutSeconds: opts.loginTimeoutSeconds,
          });
          try {
            await s.listen();
          } catch (err) {
            await s.close();
            state = 'down';
            // The front door's error already names the address and the option (port or tlsPort) to change.
            detail = (err as Error).message;
            throw err;
          }
          server = s;
          state = 'up';
          detail = undefined;
          ctx.log.info({ listening: s.listening }, 'pop3 listening');
        },
        async stop() {
          const s = server;
          server = undefined;
          if (s) await s.close();
          state = 'stopped';
        },
        status() {
          const { sessions, active, logins, loginFailures, retrieved, deleted, refused } = counters;
          return {
            state,
            ...(detail ? { detail } : {}),
            listening: server?.listening ?? [],
            counters: { sessions, active, logins, loginFailures, retrieved, deleted, refused },
          };
        },
      });
    },
  });
}
