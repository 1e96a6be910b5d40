// The gateway drives the status, inMailbox and enqueued hooks from the event log, and gives plug-ins
// api.follow: what another process commits reaches them as what this one commits does.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NowsmsError, newMessageId, type NowsmsPlugin, type PluginApi, type StatusChange } from '../../core/index.ts';
import { openSqliteStore, type SqliteStore } from '../../plugins/store-sqlite/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function listener() {
  const seen = { status: [] as StatusChange[], inMailbox: [] as StatusChange[], enqueued: [] as StatusChange[], followed: [] as StatusChange[] };
  const plugin: NowsmsPlugin = {
    name: 'listener',
    setup(api) {
      api.hooks.status.tap('listener', (c) => void seen.status.push(c));
      api.hooks.inMailbox.tap('listener', (c) => void seen.inMailbox.push(c));
      api.hooks.enqueued.tap('listener', (c) => void seen.enqueued.push(c));
      api.follow({ name: 'listener', handle: (changes) => void seen.followed.push(...changes) });
    },
  };
  return { plugin, seen };
}

async function started(plugins: NowsmsPlugin[]): Promise<TestGateway> {
  const g = await startTestGateway({ smtp: false, pop3: false, users: [{ name: 'bob', password: 'pw-bob', recipients: ['+15550003333'] }], plugins });
  cleanup.push(() => g.stop());
  return g;
}

async function otherProcess(g: TestGateway): Promise<SqliteStore> {
  const s = await openSqliteStore(path.join(g.dataDir, 'nowsms.db'));
  cleanup.push(() => s.close());
  return s;
}

describe('hooks and reactors on the event log', () => {
  it("a message this gateway commits reaches inMailbox, status and the reactors, with the mailbox's user", async () => {
    const { plugin, seen } = listener();
    const g = await started([plugin]);
    const id = await g.inject('+15550009999', '+15550003333', 'hello bob');
    await until(() => seen.inMailbox.length === 1 && seen.followed.length === 1, 'the hooks');
    expect(seen.inMailbox[0]).toMatchObject({ messageId: id, status: 'in-mailbox', target: { kind: 'mailbox', user: 'bob' }, direction: 'MO', via: 'test' });
    expect(seen.status.map((c) => c.messageId)).toEqual([id]);
    expect(seen.followed.map((c) => c.seq)).toEqual(seen.status.map((c) => c.seq));
  });

  it('a change another process commits reaches the same hooks (mailbox, queue with no route, operator delete)', async () => {
    const { plugin, seen } = listener();
    const g = await started([plugin]);
    const cli = await otherProcess(g);
    const mo = newMessageId();
    const mt = newMessageId();
    const base = { kind: 'sms' as const, from: '+15550009999', parts: [], receivedAt: new Date(), meta: {} };
    await cli.messages.commit([
      { message: { ...base, id: mo, direction: 'MO', to: '+15550003333', via: 'cli' }, target: { kind: 'mailbox', user: 'bob' } },
      { message: { ...base, id: mt, direction: 'MT', to: '+15550004444', via: 'cli' }, target: undefined },
    ]);
    await cli.messages.setStatus(mt, 'deleted', 'by the operator');
    await until(() => seen.status.length === 3, 'three changes');
    expect(seen.status.map((c) => [c.messageId, c.status])).toEqual([
      [mo, 'in-mailbox'],
      [mt, 'no-route'],
      [mt, 'deleted'],
    ]);
    expect(seen.inMailbox.map((c) => c.messageId)).toEqual([mo]);
    expect(seen.enqueued.map((c) => [c.messageId, c.status])).toEqual([[mt, 'no-route']]);
  });

  it('refuses a reactor registered after setup, or a second reactor of the same name', async () => {
    let late: PluginApi | undefined;
    await started([{ name: 'late', setup: (api) => void (late = api) }]);
    expect(() => late!.follow({ name: 'too-late', handle() {} })).toThrow(expect.objectContaining({ code: 'NOWSMS_ERR_FROZEN' }) as NowsmsError);
    const twice: NowsmsPlugin = {
      name: 'twice',
      setup(api) {
        api.follow({ name: 'same', handle() {} });
        api.follow({ name: 'same', handle() {} });
      },
    };
    await expect(startTestGateway({ smtp: false, pop3: false, plugins: [twice] })).rejects.toMatchObject({ code: 'NOWSMS_ERR_PLUGIN' });
  });
});
