// The HTTP interface: NowSMS's send URL (GET/POST /), Kannel's /cgi-bin/sendsms, /admin/xmlstatus,
// /provision and the JSON API (/api/v1) with status callbacks, on one port (8800, as NowSMS).
import {
  definePlugin,
  loadCertificate,
  NowsmsError,
  parseOptions,
  type ConnectionState,
  type NewMessage,
  type NowsmsPlugin,
  type PluginApi,
  type Server,
  type StoredUser,
} from 'nowsms';
import { Callbacks, REACTOR_NAME } from './callbacks.ts';
import { HttpError } from './errors.ts';
import { kannelParams, kannelSend } from './kannel.ts';
import { basicCredentials, logIn, type Credentials, type Right } from './login.ts';
import { nowsmsError, nowsmsSend } from './nowsms.ts';
import { openApiDocument } from './openapi.ts';
import { optionsSchema, type HttpOptions } from './options.ts';
import type { Params } from './params.ts';
import { provision } from './provision.ts';
import { restList, restMessage, restSubmit } from './rest.ts';
import { listenHttp, type Answer, type Exchange, type Route } from './server.ts';
import { xmlStatus } from './xmlstatus.ts';

export type { HttpOptions } from './options.ts';
export { checkSchema } from './schema-check.ts';
export { openApiDocument } from './openapi.ts';

const NAME = 'http';

const text = (body: string, status = 200): Answer => ({ status, contentType: 'text/plain; charset=utf-8', body });
const json = (body: unknown, status = 200): Answer => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });

function paramCredentials(params: Params, userNames: string[], passwordNames: string[]): Credentials | undefined {
  const name = params.get(...userNames);
  const password = params.get(...passwordNames);
  return name !== undefined ? { name, password: password ?? '' } : undefined;
}

export function httpInterface(options?: HttpOptions): NowsmsPlugin {
  const opts = parseOptions(NAME, optionsSchema, options);
  return definePlugin({
    name: NAME,
    setup(api: PluginApi) {
      const counters = { requests: 0, submitted: 0, refused: 0, callbacks: 0, callbackFailures: 0 };
      let state: ConnectionState = 'stopped';
      let detail: string | undefined;
      let server: Server | undefined;
      const callbacks = new Callbacks(
        api,
        { timeoutMs: opts.callbackTimeoutSeconds * 1000, attempts: opts.callbackAttempts, secret: opts.callbackSecret },
        api.log,
      );
      const onSubmitted = (id: string, m: NewMessage) => {
        counters.submitted++;
        callbacks.submitted(id, m);
      };
      api.follow({ name: REACTOR_NAME, durable: true, handle: (changes) => callbacks.handle(changes) });

      // SMSCRoute / smsc / connection: the message goes out through the connection named, or waits for it.
      api.hooks.route.tap(NAME, (message) => {
        const http = message.meta.http as { connection?: string } | undefined;
        if (message.direction !== 'MT' || message.via !== 'http' || !http?.connection) return undefined;
        return { kind: 'connection', id: http.connection };
      });

      const who = async (x: Exchange, right: Right, names?: { user: string[]; password: string[] }): Promise<StoredUser> => {
        const credentials = (names && paramCredentials(x.params, names.user, names.password)) ?? basicCredentials(x.headers.authorization);
        const user = await logIn(api, credentials, x.ip, right);
        x.loggedIn();
        return user;
      };
      const nowsmsNames = { user: ['User'], password: ['Password'] };

      const routes: Route[] = [
        {
          methods: ['GET', 'POST'],
          path: '/',
          style: 'nowsms',
          async handle(x) {
            counters.requests++;
            const user = await who(x, 'send', nowsmsNames);
            return {
              status: 200,
              contentType: 'text/html; charset=utf-8',
              body: await nowsmsSend(api, user, x.params, opts.maxRecipients, onSubmitted),
            };
          },
        },
        {
          methods: ['GET', 'POST'],
          path: '/cgi-bin/sendsms',
          style: 'kannel',
          readParams: kannelParams,
          async handle(x) {
            counters.requests++;
            const user = await who(x, 'send', { user: ['username', 'user'], password: ['password', 'pass'] });
            return {
              status: 202,
              contentType: 'text/plain; charset=utf-8',
              body: await kannelSend(api, user, x.params, opts.maxRecipients, onSubmitted),
            };
          },
        },
        {
          methods: ['GET'],
          path: '/admin/xmlstatus',
          style: 'text',
          async handle(x) {
            counters.requests++;
            await who(x, 'admin', nowsmsNames);
            return { status: 200, contentType: 'text/xml; charset=utf-8', body: await xmlStatus(api) };
          },
        },
        {
          methods: ['GET', 'POST'],
          path: '/provision',
          style: 'text',
          async handle(x) {
            counters.requests++;
            // The account being provisioned has its own Password parameter: the admin logs in with User/Password only
            // when Basic is absent, and then NowSMS's form (user=admin&password=adminpw&...&Password=accountpw) puts
            // the admin's first.
            const basic = basicCredentials(x.headers.authorization);
            const passwords = x.params.all('Password');
            const adminPassword = x.params.get('AdminPassword');
            const byParams = !basic && x.params.get('User') !== undefined;
            const admin = basic ?? (byParams ? { name: x.params.get('User')!, password: adminPassword ?? passwords[0] ?? '' } : undefined);
            await logIn(api, admin, x.ip, 'admin');
            x.loggedIn();
            const accountPassword = byParams && adminPassword === undefined ? passwords[1] : passwords[0];
            return text(await provision(api, x.params, accountPassword));
          },
        },
        {
          methods: ['GET'],
          path: '/api/v1/openapi.json',
          style: 'json',
          handle: async () => json(openApiDocument()),
        },
        {
          methods: ['POST'],
          path: '/api/v1/messages',
          style: 'json',
          async handle(x) {
            counters.requests++;
            const user = await who(x, 'send');
            const key = x.headers['idempotency-key'];
            const r = await restSubmit(api, user, x.json, Array.isArray(key) ? key[0] : key, opts.maxRecipients, onSubmitted);
            return json(r.body, r.status);
          },
        },
        {
          methods: ['GET'],
          path: '/api/v1/messages',
          style: 'json',
          async handle(x) {
            counters.requests++;
            const user = await who(x, 'send');
            const cursor = x.params.get('cursor');
            const limit = x.params.get('limit');
            return json(await restList(api, user, { ...(cursor !== undefined ? { cursor } : {}), ...(limit !== undefined ? { limit } : {}) }));
          },
        },
      ];
      // fastify gives path parameters; the route table above stays plain, so :id is matched here.
      routes.push({
        methods: ['GET'],
        path: '/api/v1/messages/:id',
        style: 'json',
        async handle(x) {
          counters.requests++;
          const user = await who(x, 'send');
          return json(await restMessage(api, user, x.pathParams.id ?? ''));
        },
      });

      api.connection({
        id: opts.id,
        kind: NAME,
        options: opts,
        async start(ctx) {
          state = 'starting';
          const cert = opts.tls === false ? undefined : (opts.tls ?? api.config.tls);
          try {
            if (opts.tlsPort !== undefined && !cert)
              throw new NowsmsError('NOWSMS_ERR_CONFIG', `plugins.${NAME}.tlsPort needs a certificate: set tls in the config (or plugins.${NAME}.tls)`);
            const certificate = cert && loadCertificate(cert, api.config.configDir, NAME);
            server = await listenHttp(
              {
                name: NAME,
                host: opts.host,
                port: opts.port,
                tlsPort: opts.tlsPort,
                certificate,
                maxSessions: opts.maxSessions,
                maxSessionsPerIp: opts.maxSessionsPerIp,
                loginTimeoutSeconds: opts.loginTimeoutSeconds,
                maxRequestBytes: opts.maxRequestBytes,
                requestTimeoutMs: opts.requestTimeoutSeconds * 1000,
                keepAliveMs: opts.keepAliveSeconds * 1000,
              },
              routes,
              (e: HttpError) => nowsmsError(e),
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
          ctx.log.info({ listening: server.listening }, 'http interface listening');
        },
        async stop() {
          const s = server;
          server = undefined;
          if (s) await s.close();
          state = 'stopped';
        },
        status() {
          return {
            state,
            ...(detail ? { detail } : {}),
            listening: server?.listening ?? [],
            counters: { ...counters, callbacks: callbacks.calls, callbackFailures: callbacks.failures, active: server?.active ?? 0 },
          };
        },
      });
    },
  });
}
