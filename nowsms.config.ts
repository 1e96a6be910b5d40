// The example configuration: `npm start` runs the gateway with it. Every key is described in docs/config.md.
// Ports, paths and domains come from the environment, with defaults that work on a laptop.
import { defineConfig } from './core/index.ts';
import { pop3 } from './plugins/pop3/index.ts';
import { smtp } from './plugins/smtp/index.ts';
import { sqliteStore } from './plugins/store-sqlite/index.ts';

const env = process.env;
const bind = env.NOWSMS_BIND ?? '127.0.0.1';

export default defineConfig({
  dataDir: env.NOWSMS_DATA_DIR ?? './data',
  domains: {
    sms: env.NOWSMS_SMS_DOMAIN ?? 'sms.localhost',
    mms: env.NOWSMS_MMS_DOMAIN ?? 'mms.localhost',
  },
  // A certificate turns on STARTTLS (SMTP) and STLS (POP3).
  ...(env.NOWSMS_TLS_KEY && env.NOWSMS_TLS_CERT ? { tls: { keyFile: env.NOWSMS_TLS_KEY, certFile: env.NOWSMS_TLS_CERT } } : {}),
  log: { level: env.NOWSMS_LOG_LEVEL === 'debug' ? 'debug' : 'info' },
  // Users are added with `nowsms users add`; they may also be declared here (see docs/config.md):
  // users: [{ name: 'alice', password: env.ALICE_PASSWORD!, smtpLogin: true, recipients: ['+15550002222'] }],
  plugins: [
    sqliteStore(),
    smtp({ host: bind, port: Number(env.NOWSMS_SMTP_PORT ?? 2525) }),
    pop3({ host: bind, port: Number(env.NOWSMS_POP3_PORT ?? 1110) }),
  ],
});
