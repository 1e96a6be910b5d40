// The example configuration: `npm start` runs the gateway with it. Every key is described in docs/config.md.
// Ports, paths and domains come from the environment, with defaults that work on a laptop.
import { defineConfig, envPort } from 'nowsms';
import { gprsMms } from 'nowsms/plugins/gprs-mms';
import { gsmModem } from 'nowsms/plugins/gsm-modem';
import { httpInterface } from 'nowsms/plugins/http';
import { mm7Client, mm7Server, parseMm7Accounts, parseMmscUrl } from 'nowsms/plugins/mmsc-vasp';
import { pop3 } from 'nowsms/plugins/pop3';
import { smtp } from 'nowsms/plugins/smtp';
import { smppServer } from 'nowsms/plugins/smpp';
import { parseSmscUrl, smppClient } from 'nowsms/plugins/smpp';
import { postgresStore } from 'nowsms/plugins/store-postgres';
import { sqliteStore } from 'nowsms/plugins/store-sqlite';
import { parseTwoWayCommands, twoWay } from 'nowsms/plugins/two-way';

const env = process.env;
const bind = env.NOWSMS_BIND ?? '127.0.0.1';
// 2-way commands: a JSON array of { "keyword": "WEATHER", "receiveNumber"?: "+1555...", "action": "https://...?q=@@SMS@@" }.
const twoWayCommands = parseTwoWayCommands(env.NOWSMS_TWO_WAY);

export default defineConfig({
  dataDir: env.NOWSMS_DATA_DIR ?? './data',
  // Several nodes on one PostgreSQL database: each its own NOWSMS_NODE_ID (default: host name and data dir).
  ...(env.NOWSMS_NODE_ID ? { nodeId: env.NOWSMS_NODE_ID } : {}),
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
    // SQLite in the data directory; PostgreSQL (shared by several nodes) when NOWSMS_DATABASE_URL is set:
    // postgres://user:password@host:5432/nowsms?sslmode=verify-full (plugins/store-postgres/README.md).
    env.NOWSMS_DATABASE_URL ? postgresStore() : sqliteStore(),
    smtp({ host: bind, port: envPort('NOWSMS_SMTP_PORT', 2525) }),
    pop3({ host: bind, port: envPort('NOWSMS_POP3_PORT', 1110) }),
    // Applications bind here with a user's name and password (users with smppLogin).
    smppServer({ host: bind, port: envPort('NOWSMS_SMPP_PORT', 2775) }),
    // Applications send with NowSMS's URL (http://<bind>:8800/?PhoneNumber=..&Text=..&User=..&Password=..), Kannel's
    // /cgi-bin/sendsms or the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json), as users with httpLogin.
    httpInterface({ host: bind, port: envPort('NOWSMS_HTTP_PORT', 8800) }),
    // One operator SMSC, open to any outbound traffic: smpp://<system_id>:<password>@<host>:<port>?tls=1&window=N&throughput=N&receipts=1
    ...(env.NOWSMS_SMSC_URL ? [smppClient({ id: 'smsc', ...parseSmscUrl(env.NOWSMS_SMSC_URL), anyTraffic: true })] : []),
    // One operator MMSC (MM7), open to any outbound MMS, "(FM: user)" in the subject of what users send:
    // http(s)://<vaspid>:<password>@<host>:<port>/<path>?vasid=..&servicecode=..&version=REL-6-MM7-1-4
    ...(env.NOWSMS_MMSC_URL ? [mm7Client({ id: 'mmsc', ...parseMmscUrl(env.NOWSMS_MMSC_URL), anyTraffic: true, embedSenderInSubject: true })] : []),
    // Operator MMSCs and content providers post MM7 to http://<bind>:<NOWSMS_MM7_PORT>/mm7, logging in as one of
    // NOWSMS_MM7_ACCOUNTS (name:password:routeToUser,...): what an account delivers goes to its routeToUser.
    ...(env.NOWSMS_MM7_ACCOUNTS !== undefined || env.NOWSMS_MM7_PORT !== undefined
      ? [mm7Server({ host: bind, port: envPort('NOWSMS_MM7_PORT', 8189), accounts: parseMm7Accounts(env.NOWSMS_MM7_ACCOUNTS ?? '') })]
      : []),
    // A GSM modem when NOWSMS_MODEM names its serial device (/dev/serial/by-id/... survives re-plugging);
    // it takes any outbound SMS, and what it receives goes to NOWSMS_MODEM_ROUTE_TO, else the normal routing.
    ...(env.NOWSMS_MODEM
      ? [
          gsmModem({
            id: 'modem1',
            path: env.NOWSMS_MODEM,
            anyTraffic: true,
            ...(env.NOWSMS_MODEM_PIN ? { pin: env.NOWSMS_MODEM_PIN } : {}),
            ...(env.NOWSMS_MODEM_NUMBER ? { number: env.NOWSMS_MODEM_NUMBER } : {}),
            ...(env.NOWSMS_MODEM_ROUTE_TO ? { routeTo: env.NOWSMS_MODEM_ROUTE_TO } : {}),
          }),
        ]
      : []),
    // The modem's MMS side (MM1, like a phone) when NOWSMS_MMS_MMSC_URL gives the operator's MMSC URL: it fetches the
    // MMS announced to the modem through the WAP proxy NOWSMS_MMS_PROXY (host:port) into NOWSMS_MMS_ROUTE_TO's
    // mailbox (else the normal routing, "(FM: user)" first), and sends any outbound MMS no MM7 link took.
    // The data link (ppp0, wwan0) is brought up outside the gateway: see plugins/gprs-mms/README.md.
    ...(env.NOWSMS_MMS_MMSC_URL
      ? [
          gprsMms({
            ...(env.NOWSMS_MMS_MODEM ? { modem: env.NOWSMS_MMS_MODEM } : {}),
            mmscUrl: env.NOWSMS_MMS_MMSC_URL,
            ...(env.NOWSMS_MMS_PROXY ? { proxy: env.NOWSMS_MMS_PROXY } : {}),
            ...(env.NOWSMS_MMS_ROUTE_TO ? { routeTo: env.NOWSMS_MMS_ROUTE_TO } : {}),
            anyTraffic: true,
            embedSenderInSubject: true,
          }),
        ]
      : []),
    // Received messages whose first word is a command's keyword call it (HTTP, a program, mailto:); the text
    // answer goes back as an SMS. NOWSMS_TWO_WAY_SECRET signs the HTTP calls (X-Nowsms-Signature).
    ...(twoWayCommands.length
      ? [twoWay({ commands: twoWayCommands, ...(env.NOWSMS_TWO_WAY_SECRET ? { signature: { secret: env.NOWSMS_TWO_WAY_SECRET } } : {}) })]
      : []),
  ],
});
