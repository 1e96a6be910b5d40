// The inbound MM7 endpoint: operator MMSCs and content providers (VASP accounts) POST MM7 SOAP requests.
import {
  definePlugin,
  isAuthLocked,
  loadCertificate,
  NowsmsError,
  parseOptions,
  type ConnectionContext,
  type ConnectionState,
  type NowsmsPlugin,
  type Server,
} from 'nowsms';
import { Accounts } from './accounts.ts';
import { handleMm7, type Mm7Counters } from './handle.ts';
import { listenMm7, type LoginOutcome } from './http.ts';
import { optionsSchema, type Mm7ServerOptions } from './options.ts';

export type { Mm7ServerOptions } from './options.ts';
export { parseMm7Accounts } from './accounts-env.ts';

const NAME = 'mm7-server';

export function mm7Server(options?: Mm7ServerOptions): NowsmsPlugin {
  const opts = parseOptions(NAME, optionsSchema, options);
  return definePlugin({
    name: NAME,
    setup(api) {
      const accounts = new Accounts(opts.accounts);
      const counters: Mm7Counters = { requests: 0, delivered: 0, duplicates: 0, reports: 0, submitted: 0, refused: 0, faults: 0 };
      let state: ConnectionState = 'stopped';
      let detail: string | undefined;
      let server: Server | undefined;
      let context: ConnectionContext | undefined;

      const login = async (credentials: { name: string; password: string } | undefined, ip: string): Promise<LoginOutcome> => {
        if (!credentials) return { refuse: 401, message: 'log in with the account name and password of an MM7 account (HTTP Basic)' };
        let why: string | undefined;
        let found: LoginOutcome | undefined;
        try {
          const ok = await api.auth.accountLogin(credentials.name, { service: 'mm7', ip }, () => {
            const r = accounts.check(credentials.name, credentials.password, ip);
            if ('account' in r) found = { account: r.account };
            else why = r.why;
            return why;
          });
          if (ok && found) return found;
        } catch (err) {
          if (isAuthLocked(err)) return { refuse: 429, message: (err as Error).message };
          throw err;
        }
        return why === 'address not allowed'
          ? { refuse: 403, message: 'this account may not connect from your address' }
          : { refuse: 401, message: 'wrong account name or password' };
      };

      api.connection({
        id: opts.id,
        kind: NAME,
        options: opts,
        async start(ctx) {
          state = 'starting';
          context = ctx;
          const cert = opts.tls === false ? undefined : (opts.tls ?? api.config.tls);
          try {
            if (opts.tlsPort !== undefined && !cert)
              throw new NowsmsError('NOWSMS_ERR_CONFIG', `plugins.${NAME}.tlsPort needs a certificate: set tls in the config (or plugins.${NAME}.tls)`);
            const certificate = cert && loadCertificate(cert, api.config.configDir, NAME);
            if (accounts.size === 0) ctx.log.warn(`${NAME}: no accounts: every request is refused (add plugins.${NAME}.accounts)`);
            server = await listenMm7(
              {
                name: NAME,
                host: opts.host,
                port: opts.port,
                tlsPort: opts.tlsPort,
                certificate,
                maxSessions: opts.maxSessions,
                maxSessionsPerIp: opts.maxSessionsPerIp,
                loginTimeoutSeconds: opts.loginTimeoutSeconds,
                path: opts.path,
                maxRequestBytes: opts.maxRequestBytes,
                requestTimeoutMs: opts.requestTimeoutSeconds * 1000,
                keepAliveMs: opts.keepAliveSeconds * 1000,
                cleartextLogins: true,
              },
              {
                login,
                handle: (account, request) =>
                  handleMm7(
                    { version: opts.version, ctx: () => context!, mm7Connections: () => api.connectionIds('mm7'), counters, log: ctx.log },
                    account,
                    request,
                  ),
                refused: () => counters.refused++,
              },
              ctx.log,
              () => counters.refused++,
            );
          } catch (err) {
            state = 'down';
            detail = (err as Error).message;
            throw err;
          }
          state = 'up';
          detail = undefined;
          ctx.log.info({ listening: server.listening, path: opts.path }, 'mm7 endpoint listening');
        },
        async stop() {
          const s = server;
          server = undefined;
          if (s) await s.close();
          state = 'stopped';
        },
        status() {
          return { state, ...(detail ? { detail } : {}), listening: server?.listening ?? [], counters: { ...counters, active: server?.active ?? 0 } };
        },
      });
    },
  });
}
