// The TUI's screens and keys, rendered with ink-testing-library against a fake gateway link: what each
// view shows, which admin request each key sends, and that nothing destructive happens without a yes.
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageView, PublicUser, QueueItemView } from '../../core/admin/protocol.ts';
import { App, resolveJump } from '../../tui/app.tsx';
import { colorWanted } from '../../tui/main.tsx';
import { connection, FakeLink } from './fake-link.ts';
import { ENTER, ESC, frame, press } from './frames.ts';

const SIZE = { columns: 80, rows: 24 };
let mounted: ReturnType<typeof render>[] = [];
afterEach(() => {
  for (const m of mounted) m.unmount();
  mounted = [];
});

function mount(link: FakeLink, opts: { readonly?: boolean; color?: boolean; size?: { columns: number; rows: number }; onQuit?: () => void } = {}) {
  const r = render(
    <App link={link} readonly={opts.readonly ?? false} color={opts.color ?? false} dataDir="/srv/nowsms/data" size={opts.size ?? SIZE} onQuit={opts.onQuit} />,
  );
  mounted.push(r);
  return r;
}

function item(n: number, change: Partial<QueueItemView> = {}): QueueItemView {
  return {
    id: `m${String(n).padStart(6, '0')}`,
    connection: 'smsc',
    status: 'queued',
    attempts: 0,
    nextAttemptAt: new Date(Date.now() + 60_000).toISOString(),
    sending: false,
    direction: 'MT',
    kind: 'sms',
    from: '+15550001111',
    to: `+4477009${String(n).padStart(5, '0')}`,
    receivedAt: new Date().toISOString(),
    ...change,
  };
}

/** A queue of `items()` answered a page at a time, as the gateway does. */
function queueHandlers(items: () => QueueItemView[]) {
  return {
    'queue.list': (p: Record<string, unknown>) => {
      const all = items().filter((i) => !p.filter || i.to.includes(String(p.filter)));
      const page = Number(p.page ?? 1);
      const size = Number(p.pageSize ?? 50);
      return { connection: p.connection, page, pageSize: size, total: all.length, items: all.slice((page - 1) * size, page * size) };
    },
  };
}

function smscLink(items: () => QueueItemView[], more: Record<string, (p: Record<string, unknown>) => unknown> = {}): FakeLink {
  const link = new FakeLink({ ...queueHandlers(items), ...more });
  link.set({ connections: [connection('smsc', { counters: { sent: 120, failed: 2 } })], queues: { smsc: { queued: items().length, retrying: 0 } } });
  return link;
}

async function openSmscQueue(r: ReturnType<typeof render>) {
  await frame(r, 'the dashboard', (f) => f.includes('smsc'));
  await press(r, '3');
  await frame(r, 'the queues', (f) => f.includes('Queues: enter opens one'));
  await press(r, ENTER);
  return frame(r, 'the smsc queue', (f) => f.includes('Queue smsc:') && !f.includes('Queue smsc: …'));
}

describe('tui', () => {
  it('the dashboard shows each connection with its state as a word, its queue, counters and rates, and follows changes', async () => {
    const link = new FakeLink();
    link.set({
      connections: [connection('smsc', { counters: { sent: 120, failed: 0 } }), connection('modem', { kind: 'gsm-modem', state: 'down', detail: 'no SIM' })],
      rates: { smsc: { sent: 12.5 } },
      queues: { smsc: { queued: 7, retrying: 2 } },
      noRoute: 3,
    });
    const r = mount(link);
    const f = await frame(r, 'the connections', (x) => x.includes('smsc') && x.includes('modem'));
    expect(f).toMatch(/smsc\s+smpp-client\s+● up\s+7\+2r\s+sent 120 \+12\.5\/s/);
    expect(f).toMatch(/modem\s+gsm-modem\s+✖ down/);
    expect(f).toContain('no route 3');
    link.set({ connections: [connection('smsc', { state: 'retrying', counters: { sent: 130 } }), connection('modem', { kind: 'gsm-modem', state: 'down' })] });
    await frame(r, 'the change', (x) => /smsc\s+smpp-client\s+↻ retrying/.test(x) && x.includes('sent 130'));
  });

  it('says when no gateway runs, and how to start one', async () => {
    const link = new FakeLink();
    link.set({ phase: 'down', pid: undefined });
    const r = mount(link);
    const f = await frame(r, 'the not-running screen', (x) => x.includes('The gateway is not running'));
    expect(f).toContain('/srv/nowsms/data/admin.sock');
    expect(f).toContain('nowsms start');
    expect(f).toContain('reconnects by itself');
    link.set({ phase: 'up', pid: 99, connections: [connection('smsc')] });
    await frame(r, 'the dashboard when it comes back', (x) => x.includes('pid 99') && x.includes('smpp-client'));
  });

  it('d asks first: n leaves the message, y deletes it and says so', async () => {
    let items = [item(1, { status: 'retrying', attempts: 3, lastError: 'SMSC refused submit_sm: 0x08' }), item(2)];
    const link = smscLink(() => items, {
      'messages.delete': (p) => {
        items = items.filter((i) => i.id !== p.message);
        return { id: p.message, status: 'deleted' };
      },
    });
    const r = mount(link);
    const f = await openSmscQueue(r);
    expect(f).toContain('last error: SMSC refused submit_sm: 0x08');
    await press(r, 'd');
    await frame(r, 'the question', (x) => x.includes('Delete message m000001') && x.includes('[y/N]'));
    await press(r, 'n');
    await frame(r, 'nothing deleted', (x) => x.includes('nothing deleted'));
    expect(link.asked('messages.delete')).toEqual([]);
    await press(r, 'd');
    await frame(r, 'the question again', (x) => x.includes('[y/N]'));
    await press(r, 'y');
    await frame(r, 'the result', (x) => x.includes('m000001 to +447700900001: deleted'));
    expect(link.asked('messages.delete')).toEqual([{ message: 'm000001' }]);
  });

  it('r retries the selected message now and reports where it went; a refusal is shown with its code', async () => {
    const items = [item(1, { status: 'retrying' }), item(2)];
    let refuse = false;
    const link = smscLink(() => items, {
      'messages.retry': (p) => {
        if (refuse) throw Object.assign(new Error('message m000002 is sent, not waiting in a queue'), { code: 'NOWSMS_ERR_CONFLICT' });
        return { id: p.message, status: 'queued', connection: 'smsc' };
      },
    });
    const r = mount(link);
    await openSmscQueue(r);
    await press(r, 'r');
    await frame(r, 'the retry', (x) => x.includes('retry now, queued on smsc'));
    expect(link.asked('messages.retry')).toEqual([{ message: 'm000001' }]);
    refuse = true;
    await press(r, 'j');
    await frame(r, 'the second selected', (x) => /› \+447700900002/.test(x));
    await press(r, 'r');
    await frame(r, 'the refusal', (x) => x.includes('NOWSMS_ERR_CONFLICT: message m000002 is sent'));
  });

  it('--readonly: r, d and user changes do nothing but say why', async () => {
    const link = smscLink(() => [item(1)], { 'users.list': () => [] });
    const r = mount(link, { readonly: true });
    await frame(r, 'READ-ONLY in the header', (x) => x.includes('READ-ONLY'));
    await openSmscQueue(r);
    await press(r, 'r');
    await frame(r, 'the refusal', (x) => x.includes('read-only mode'));
    await press(r, 'd');
    expect(r.lastFrame()).not.toContain('[y/N]');
    await press(r, '5');
    await frame(r, 'users', (x) => x.includes('no users'));
    await press(r, 'a');
    expect(r.lastFrame()).not.toContain('Add a user');
    expect(link.requests.map((q) => q.command).filter((c) => c !== 'queue.list' && c !== 'users.list')).toEqual([]);
  });

  it('a 100k queue: the end is two keys away, and only the pages on screen are asked for', async () => {
    const all = Array.from({ length: 100_000 }, (_, i) => item(i + 1));
    const link = smscLink(() => all);
    const r = mount(link);
    await openSmscQueue(r);
    await press(r, 'G');
    const f = await frame(r, 'the last message', (x) => x.includes('100000/100000') && x.includes('› m100000'));
    expect(f.split('\n').length).toBeLessThanOrEqual(SIZE.rows);
    const pages = new Set(link.asked('queue.list').map((p) => p.page));
    expect(pages.has(500)).toBe(true);
    expect(pages.size).toBeLessThanOrEqual(3);
  });

  it('the selected message stays selected while the queue moves under it', async () => {
    let items = [item(1), item(2), item(3)];
    const r = mount(smscLink(() => items));
    await openSmscQueue(r);
    await press(r, 'j');
    await frame(r, 'the second selected', (x) => /› \+447700900002/.test(x));
    items = [item(10), item(11), ...items];
    await frame(r, 'two new ones above, the same one selected', (x) => x.includes('+447700900010') && /› \+447700900002/.test(x), 10_000);
  });

  it('/ filters the queue; esc goes back to the list of queues', async () => {
    const r = mount(smscLink(() => [item(1), item(2, { to: '+15550009999' })]));
    await openSmscQueue(r);
    await press(r, '/');
    await frame(r, 'the prompt', (x) => x.includes('filter /'));
    await press(r, '+1555', ENTER);
    const f = await frame(r, 'the filtered queue', (x) => x.includes('1 matching "+1555"'));
    expect(f).toContain('+15550009999');
    expect(f).not.toContain('+447700900001');
    await press(r, ESC);
    await frame(r, 'the queues', (x) => x.includes('Queues: enter opens one'));
  });

  it('users: add with the password hidden, reset a password typed twice, remove after a yes', async () => {
    const users: PublicUser[] = [];
    const link = new FakeLink({
      'users.list': () => users,
      'users.add': (p) => {
        const { password: _password, ...fields } = p;
        const u = { smtpLogin: true, smppLogin: false, receive: true, allowIps: [], source: 'cli', apop: false, ...fields } as unknown as PublicUser;
        users.push(u);
        return u;
      },
      'users.set': (p) => {
        const u = users.find((x) => x.name === p.name)!;
        Object.assign(u, p.password === undefined ? p : {});
        return u;
      },
      'users.remove': (p) => {
        users.splice(
          users.findIndex((u) => u.name === p.name),
          1,
        );
        return { removed: p.name };
      },
    });
    const r = mount(link);
    await press(r, '5');
    await frame(r, 'no users', (x) => x.includes('no users: a adds one'));
    await press(r, 'a');
    await frame(r, 'the form', (x) => x.includes('Add a user'));
    await press(r, 'bob', ENTER, 'hunter2', ENTER);
    const typed = await frame(r, 'the password hidden', (x) => x.includes('*******'));
    expect(typed).not.toContain('hunter2');
    await press(r, ENTER, ENTER, ENTER, ENTER, '+447700900123', ENTER, ENTER, '100', ENTER, ENTER);
    await frame(r, 'bob added', (x) => x.includes('user bob added') && /bob\s+smtp/.test(x));
    expect(link.asked('users.add')).toEqual([
      { name: 'bob', password: 'hunter2', smtpLogin: true, smppLogin: false, receive: true, recipients: ['+447700900123'], dailyLimit: 100 },
    ]);

    await press(r, 'e');
    await frame(r, 'the edit form', (x) => x.includes('Edit user bob') && x.includes('+447700900123'));
    // Down to the monthly limit (the eighth field), typed, then submitted.
    await press(r, ...Array<string>(7).fill(ENTER), '2000', ENTER);
    await frame(r, 'bob updated', (x) => x.includes('user bob updated'));
    expect(link.asked('users.set').at(-1)).toMatchObject({ name: 'bob', dailyLimit: 100, monthlyLimit: 2000, recipients: ['+447700900123'] });
    expect(link.asked('users.set').at(-1)).not.toHaveProperty('password');

    await press(r, 'p');
    await frame(r, 'the password prompt', (x) => x.includes('New password for bob'));
    await press(r, 'n3w', ENTER);
    await frame(r, 'again', (x) => x.includes('The same password again'));
    await press(r, 'n3w', ENTER);
    await frame(r, 'reset', (x) => x.includes('password of bob reset'));
    expect(link.asked('users.set').at(-1)).toEqual({ name: 'bob', password: 'n3w' });

    await press(r, 'x');
    await frame(r, 'the question', (x) => x.includes('Remove user bob?'));
    await press(r, 'y');
    await frame(r, 'removed', (x) => x.includes('user bob removed'));
    expect(link.asked('users.remove')).toEqual([{ name: 'bob' }]);
  });

  it('messages: filters sent as the request, and a detail with parts, history and route', async () => {
    const m: MessageView = {
      id: 'm1',
      direction: 'MT',
      kind: 'sms',
      from: '+15550001111',
      to: '+447700900001',
      user: 'alice',
      receivedAt: '2026-12-07T01:00:00.000Z',
      status: 'sent',
      target: { kind: 'connection', id: 'smsc' },
      parts: [{ contentType: 'text/plain; charset=utf-8', size: 5 }],
      history: [
        { at: '2026-12-07T01:00:00.000Z', status: 'queued', detail: 'smsc' },
        { at: '2026-12-07T01:00:01.000Z', status: 'sent' },
      ],
    };
    const link = new FakeLink({ 'messages.list': () => [m], 'messages.get': () => m });
    const r = mount(link);
    await press(r, '4');
    await frame(r, 'the list', (x) => x.includes('+447700900001'));
    await press(r, 's', 'm');
    await frame(r, 'status and direction filters', (x) => x.includes('status queued') && x.includes('dir MO'));
    await press(r, '/');
    await frame(r, 'the number prompt', (x) => x.includes('number contains'));
    await press(r, '+44', ENTER);
    await frame(r, 'the filters', (x) => x.includes('status queued') && x.includes('dir MO') && x.includes('number +44'));
    expect(link.asked('messages.list').at(-1)).toEqual({ limit: 500, status: 'queued', direction: 'MO', number: '+44' });
    await press(r, ENTER);
    const d = await frame(r, 'the detail', (x) => x.includes('history (2)'));
    expect(d).toContain('route: connection smsc');
    expect(d).toContain('text/plain; charset=utf-8 5 B');
    expect(d).toMatch(/queued\s+smsc/);
    await press(r, ESC);
    await frame(r, 'the list again', (x) => x.includes('Messages (newest'));
  });

  it('a connection opened in Connections shows the options it was given, with secrets as the gateway hid them', async () => {
    const link = new FakeLink({});
    link.set({
      phase: 'up',
      connections: [connection('smsc', { options: { host: 'smsc.example', port: 2775, password: '(set)', reconnect: { maxSeconds: 60 } } })],
    });
    const r = mount(link);
    await press(r, ':');
    await frame(r, 'the command line', (x) => /^:/m.test(x));
    await press(r, 'connections', ENTER);
    await frame(r, 'connections', (x) => x.includes('enter shows one'));
    await press(r, ENTER);
    const detail = await frame(r, 'the detail', (x) => x.includes('options (secrets hidden):'));
    expect(detail).toMatch(/host\s+"smsc\.example"/);
    expect(detail).toMatch(/password\s+"\(set\)"/);
    expect(detail).toMatch(/reconnect\.maxSeconds\s+60/);
  });

  it('? lists every key; : jumps to a view by name; q quits', async () => {
    const link = new FakeLink({ 'users.list': () => [] });
    let quit = false;
    const r = mount(link, { onQuit: () => (quit = true) });
    await press(r, '?');
    const help = await frame(r, 'the help', (x) => x.includes('Keys (any key closes this help)'));
    for (const k of ['r retry now', 'd delete', 'a add', ':name', 'esc', 'q']) expect(help).toContain(k);
    await press(r, 'x');
    await frame(r, 'help closed', (x) => !x.includes('Keys (any key'));
    await press(r, ':');
    await frame(r, 'the command line', (x) => /^:/m.test(x));
    await press(r, 'users', ENTER);
    await frame(r, 'users', (x) => x.includes('[5 users]'));
    await press(r, ':');
    await frame(r, 'the command line again', (x) => /^:/m.test(x));
    await press(r, 'log', ENTER);
    await frame(r, 'the log', (x) => x.includes('[6 log]') && x.includes('no log lines yet'));
    expect(resolveJump(':conn')).toBe('connections');
    expect(resolveJump('nothing')).toBeUndefined();
    expect(quit).toBe(false);
    await press(r, 'q');
    expect(quit).toBe(true);
  });

  it('NO_COLOR (any non-empty value) and --no-color turn colour off', () => {
    expect(colorWanted(false, {})).toBe(true);
    expect(colorWanted(false, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted(false, { NO_COLOR: '' })).toBe(true);
    expect(colorWanted(true, {})).toBe(false);
  });
});
