// The SMTP server through which users send SMS and MMS from their e-mail clients (see README.md).
import { definePlugin, NowsmsError, parseOptions, refuseRenamedOptions, type NowsmsPlugin } from 'nowsms';
import { smtpConnection } from './connection.ts';
import { optionsSchema, type SmtpOptions } from './options.ts';

export type { SmtpOptions } from './options.ts';

export function smtp(options?: SmtpOptions): NowsmsPlugin {
  refuseRenamedOptions('smtp', options, { maxClients: 'maxSessions' });
  const opts = parseOptions('smtp', optionsSchema, options);
  return definePlugin({
    name: 'smtp',
    setup(api) {
      const certificate = opts.tls === false ? undefined : (opts.tls ?? api.config.tls);
      if (!certificate && opts.requireTLS) {
        throw new NowsmsError('NOWSMS_ERR_CONFIG', 'plugins.smtp.requireTLS needs a certificate: set tls (or plugins.smtp.tls) with keyFile and certFile');
      }
      if (!certificate && opts.tlsPort !== undefined) {
        throw new NowsmsError('NOWSMS_ERR_CONFIG', 'plugins.smtp.tlsPort needs a certificate: set tls (or plugins.smtp.tls) with keyFile and certFile');
      }
      const connection = smtpConnection(api, opts, certificate);
      connection.options = opts;
      api.connection(connection);
    },
  });
}
