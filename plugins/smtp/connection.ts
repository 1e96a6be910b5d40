// The SMTP server as a gateway connection: started and stopped by the gateway, visible in its status.
import type { SMTPServerOptions } from 'smtp-server';
import { loadCertificate, type CertificateFiles, type Connection, type ConnectionState, type PluginApi } from 'nowsms';
import { InFlight } from './in-flight.ts';
import { listen, type Listener } from './listener.ts';
import type { ResolvedSmtpOptions } from './options.ts';
import { sessionHandlers, type Counters } from './session.ts';

export type Certificate = CertificateFiles;

export function smtpConnection(api: PluginApi, options: ResolvedSmtpOptions, certificate: Certificate | undefined): Connection {
  let state: ConnectionState = 'stopped';
  let listener: Listener | undefined;
  const counters: Counters = { sessions: 0, accepted: 0, rejected: 0, authFailures: 0, refused: 0 };
  const inFlight = new InFlight(options.maxBytesInFlight);
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.then(
      () => inflight.delete(p),
      () => inflight.delete(p),
    );
    return p;
  };
  const drain = async () => {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  };

  return {
    id: 'smtp',
    kind: 'smtp',

    async start() {
      state = 'starting';
      const tls = certificate ? loadCertificate(certificate, api.config.configDir, 'smtp') : undefined;
      let current: Listener | undefined;
      const serverOptions: SMTPServerOptions = {
        ...(options.hostname ? { name: options.hostname } : {}),
        banner: 'nowsms: send SMS and MMS by e-mail',
        authMethods: ['PLAIN', 'LOGIN'],
        // The seed: e-mail clients log in with plain text passwords; they cross in clear unless TLS is required.
        allowInsecureAuth: !options.requireTLS,
        authRequiredMessage: '5.7.0 authentication required: log in with your SMS user name and password',
        // Without a certificate smtp-server would offer STARTTLS with its built-in test key, whose private half is public.
        disabledCommands: tls ? [] : ['STARTTLS'],
        ...(tls ?? {}),
        size: options.maxSizeBytes,
        disableReverseLookup: true,
        logger: false,
        ...sessionHandlers(api, options, counters, track, (id) => current?.connectionOf(id), inFlight),
      };
      try {
        current = await listen(
          {
            host: options.host,
            port: options.port,
            tlsPort: options.tlsPort,
            certificate: tls,
            maxSessions: options.maxSessions,
            maxSessionsPerIp: options.maxSessionsPerIp,
            loginTimeoutSeconds: options.loginTimeoutSeconds,
            requireTLS: options.requireTLS,
          },
          serverOptions,
          api.log,
          drain,
          () => counters.refused++,
        );
      } catch (e) {
        state = 'down';
        throw e;
      }
      listener = current;
      state = 'up';
      api.log.info({ listening: listener.server.listening, tls: Boolean(tls) }, 'smtp: listening');
    },

    async stop() {
      const closing = listener;
      listener = undefined;
      await closing?.server.close();
      state = 'stopped';
    },

    status() {
      return { state, listening: listener?.server.listening ?? [], counters: { ...counters, bytesInFlight: inFlight.bytes } };
    },
  };
}
