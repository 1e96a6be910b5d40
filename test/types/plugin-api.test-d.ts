// The plug-in API's types, as a plug-in author's editor and compiler see them (vitest typecheck: nothing
// here runs). A change that breaks a third-party plug-in's build fails here first.
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  CORE_API_VERSION,
  definePlugin,
  isNowsmsError,
  isSendError,
  NowsmsError,
  parseOptions,
  SendError,
  type Accepted,
  type Connection,
  type Message,
  type NewMessage,
  type NowsmsPlugin,
  type PluginApi,
  type QueueEntry,
  type RouteTarget,
  type SendFailure,
  type SendResult,
  type Service,
  type ServiceName,
  type StatusChange,
  type Stores,
} from 'nowsms';
import { scriptedConnection, startTestGateway, type TestGateway } from 'nowsms/testing';

// A plug-in that offers a service declares it once, by declaration merging, and every user of it is typed.
interface Clock {
  now(): number;
}
declare module 'nowsms' {
  interface ServiceMap {
    'test-clock': Clock;
  }
  // A plug-in whose protocol lets SMS users log in declares its login right the same way.
  interface LoginRights {
    'test-xmpp': true;
  }
}

describe('definePlugin', () => {
  it('returns the plug-in as written, and types setup with the PluginApi', () => {
    const p = definePlugin({ name: 'p', extra: 1, setup: (api) => void expectTypeOf(api).toEqualTypeOf<PluginApi>() });
    expectTypeOf(p).toMatchTypeOf<NowsmsPlugin>();
    expectTypeOf(p.extra).toBeNumber();
    expectTypeOf<NowsmsPlugin['coreApi']>().toEqualTypeOf<number[] | undefined>();
    expectTypeOf(CORE_API_VERSION).toBeNumber();
  });

  it('refuses a plug-in without a name or setup', () => {
    // @ts-expect-error no setup
    definePlugin({ name: 'p' });
    // @ts-expect-error no name
    definePlugin({ setup() {} });
  });

  it('types what setup may use', () => {
    definePlugin({
      name: 'p',
      setup(api) {
        expectTypeOf(api.stores).toEqualTypeOf<Stores>();
        expectTypeOf(api.submit).parameter(0).toEqualTypeOf<NewMessage[]>();
        expectTypeOf(api.submit).returns.resolves.toEqualTypeOf<Accepted[]>();
        expectTypeOf(api.normalizeAddress).returns.toBeString();
        expectTypeOf(api.connection).parameter(0).toEqualTypeOf<Connection>();
        // @ts-expect-error a connection needs start, stop and status
        api.connection({ id: 'c', kind: 'k' });
        expectTypeOf(api.follow).parameter(0).toHaveProperty('handle');
      },
    });
  });
});

describe('hooks', () => {
  it('types each handler by its hook kind', () => {
    definePlugin({
      name: 'p',
      setup(api) {
        // waterfall: the message in, the message (or a promise of it) out
        api.hooks.normalize.tap('p', (m) => {
          expectTypeOf(m).toEqualTypeOf<Message>();
          return m;
        });
        // @ts-expect-error a waterfall handler must return the value
        api.hooks.normalize.tap('p', () => undefined);
        // first result: a route, or undefined to pass
        api.hooks.route.tap('p', (m) => (m.direction === 'MO' ? { kind: 'mailbox', user: 'alice' } : undefined));
        api.hooks.claim.tap('p', async () => undefined);
        expectTypeOf(api.hooks.route.call).returns.resolves.toEqualTypeOf<RouteTarget | undefined>();
        // @ts-expect-error not a route target
        api.hooks.route.tap('p', () => ({ kind: 'somewhere' }));
        // parallel, from the event log
        api.hooks.status.tap('p', (change) => void expectTypeOf(change).toEqualTypeOf<StatusChange>());
        api.hooks.inMailbox.tap('p', (change) => void expectTypeOf(change.target).toEqualTypeOf<StatusChange['target']>());
        api.hooks.sent.tap('p', (entry, result) => {
          expectTypeOf(entry).toEqualTypeOf<QueueEntry>();
          expectTypeOf(result).toEqualTypeOf<SendResult>();
        });
        api.hooks.failed.tap('p', (_entry, err) => void expectTypeOf(err).toEqualTypeOf<Error>());
        // @ts-expect-error hooks are a fixed set
        void api.hooks.nope;
      },
    });
  });
});

describe('parseOptions', () => {
  it("infers the options from the zod schema's output, defaults applied", () => {
    const opts = parseOptions('p', z.object({ url: z.string(), retries: z.number().default(3), tags: z.array(z.string()).optional() }), {});
    expectTypeOf(opts).toEqualTypeOf<{ url: string; retries: number; tags?: string[] | undefined }>();
  });
});

describe('services', () => {
  it('types a service declared by declaration merging, for provide and service', () => {
    expectTypeOf<'test-clock'>().toMatchTypeOf<ServiceName>();
    expectTypeOf<'modem-sms'>().toMatchTypeOf<ServiceName>();
    definePlugin({
      name: 'clock',
      provides: ['test-clock'],
      setup(api) {
        api.provide('test-clock', { now: () => 1 });
        // @ts-expect-error the implementation must fit the declared service
        api.provide('test-clock', { now: () => 'one' });
      },
    });
    definePlugin({
      name: 'user',
      needs: ['test-clock'],
      setup(api) {
        expectTypeOf(api.service('test-clock')).toEqualTypeOf<Clock>();
        expectTypeOf(api.services('test-clock')).toEqualTypeOf<Clock[]>();
        // @ts-expect-error no such service
        api.service('no-such-service');
      },
    });
  });
});

describe('login rights', () => {
  it("takes a plug-in's own login right, declared by declaration merging, beside core's", () => {
    expectTypeOf<'test-xmpp'>().toMatchTypeOf<Service>();
    expectTypeOf<'smtp' | 'pop3' | 'smpp' | 'http'>().toMatchTypeOf<Service>();
    definePlugin({
      name: 'xmpp',
      async setup(api) {
        await api.auth.login('alice', 'pw', { service: 'test-xmpp', ip: '127.0.0.1' });
        // @ts-expect-error no plug-in declared this right
        await api.auth.login('alice', 'pw', { service: 'no-such-right', ip: '127.0.0.1' });
      },
    });
  });
});

describe('errors', () => {
  it('classifies send failures', () => {
    const e = new SendError('temporary', 'busy', { retryAt: new Date() });
    expectTypeOf(e.failure).toEqualTypeOf<SendFailure>();
    expectTypeOf(e.pauseMs).toEqualTypeOf<number | undefined>();
    expectTypeOf(e).toMatchTypeOf<Error>();
    // @ts-expect-error not a failure kind
    new SendError('sometimes', 'x');
    const u: unknown = e;
    if (isSendError(u)) expectTypeOf(u).toEqualTypeOf<SendError>();
  });

  it('carries a stable code', () => {
    const e = new NowsmsError('NOWSMS_ERR_CONFIG', 'fix this', { temporary: false });
    expectTypeOf(e.temporary).toBeBoolean();
    // @ts-expect-error codes are NOWSMS_ERR_...
    new NowsmsError('NOT_A_CODE', 'x');
    const u: unknown = e;
    if (isNowsmsError(u, 'NOWSMS_ERR_CONFIG')) expectTypeOf(u).toEqualTypeOf<NowsmsError>();
  });
});

describe('nowsms/testing', () => {
  it('takes plug-ins and answers with a typed gateway', () => {
    const link = scriptedConnection({ id: 'smsc' });
    expectTypeOf(link).toMatchTypeOf<NowsmsPlugin>();
    expectTypeOf(startTestGateway).returns.resolves.toEqualTypeOf<TestGateway>();
    expectTypeOf<TestGateway['waitForStatus']>().returns.resolves.toEqualTypeOf<StatusChange>();
    expectTypeOf(link.failNext).parameter(0).toEqualTypeOf<SendFailure>();
  });
});
