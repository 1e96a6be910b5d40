// The admin socket of a gateway started as a user starts it: typed commands, coded errors, a plug-in's
// commands, and subscriptions (connection state, backpressure, clean-up on disconnect).
import { afterEach, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { AdminClient } from '../../core/admin/client.ts';
import type { AdminEventLine, ConnectionsEvent } from '../../core/admin/protocol.ts';
import { adminSocketPath, STREAM_HIGH_WATER_BYTES } from '../../core/admin/server.ts';
import type { StatusChange } from '../../core/index.ts';
import { cli, startProcess, stopProcess, writeConfig } from '../helpers/process.ts';

let child: ChildProcess | undefined;
const clients: AdminClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  if (child) await stopProcess(child);
  child = undefined;
});

async function gatewayWithLinks() {
  const config = await writeConfig({
    imports: { '{ operatorLinks }': 'test/helpers/operator-link.ts' },
    plugins: [`operatorLinks([{ id: 'link', anyTraffic: true }])`],
  });
  child = (await startProcess(config)).child;
  const socket = adminSocketPath(config.dataDir);
  const client = (await AdminClient.connect(socket))!;
  clients.push(client);
  return { config, socket, client };
}

/** One raw request line and its reply, as socat would send it. */
async function raw(socket: string, line: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const c = net.connect(socket, () => c.write(line + '\n'));
    let buf = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i < 0) return;
      c.destroy();
      resolve(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
    });
    c.on('error', reject);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('admin socket', () => {
  it('answers typed commands, names the command and the field at fault, and serves a plug-in’s commands', async () => {
    const { socket, client } = await gatewayWithLinks();
    expect(statSync(socket).mode & 0o777).toBe(0o600);

    const hello = await client.request('hello', {});
    expect(hello.protocol).toBe(1);
    expect(hello.pid).toBe(child!.pid);
    expect(hello.commands.map((c) => c.name)).toEqual(
      expect.arrayContaining(['status', 'users.add', 'queue.list', 'messages.retry', 'messages.move', 'links.state', 'links.sent']),
    );
    expect(hello.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['connections', 'links.flood']));

    // What a tool without our client sends: the id comes back, errors carry their code.
    expect(await raw(socket, '{"id":"a1","command":"frobnicate"}')).toEqual({
      id: 'a1',
      ok: false,
      error: { code: 'NOWSMS_ERR_UNKNOWN_COMMAND', message: expect.stringMatching(/unknown admin command frobnicate/) },
    });
    expect(await raw(socket, '{"command":"queue.list","connection":5}')).toMatchObject({
      ok: false,
      error: { code: 'NOWSMS_ERR_BAD_REQUEST', field: 'connection', message: expect.stringMatching(/queue\.list: connection:/) },
    });
    expect(await raw(socket, '{"id":7,"command":"messages.retry","message":"x","force":true}')).toMatchObject({
      id: 7,
      ok: false,
      error: { code: 'NOWSMS_ERR_BAD_REQUEST', field: 'force', message: expect.stringMatching(/unknown field force/) },
    });
    expect(await raw(socket, '{"v":2,"command":"status"}')).toMatchObject({ ok: false, error: { code: 'NOWSMS_ERR_BAD_REQUEST', field: 'v' } });
    expect(await raw(socket, 'status please')).toMatchObject({ ok: false, error: { code: 'NOWSMS_ERR_BAD_REQUEST' } });

    // A handler's own coded error.
    await client.request('users.add', { name: 'bob', password: 'pw' });
    await expect(client.request('users.add', { name: 'bob', password: 'pw' })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_USER',
      message: expect.stringMatching(/already exists/),
    });
    await expect(client.request('messages.retry', { message: 'nope' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });

    // The plug-in's commands, named after it, validated by its schema.
    expect(await client.call('links.state', { link: 'link', state: 'down' })).toEqual({ link: 'link', state: 'down' });
    await expect(client.call('links.state', { link: 'link', state: 'sideways' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_BAD_REQUEST', field: 'state' });
    await expect(client.call('links.sent', { link: 'other' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND', message: 'no link other' });
    expect((await client.request('status', {})).connections.link).toMatchObject({ kind: 'test-link', state: 'down', outbound: true });
  });

  it('streams connection state changes to a subscriber', async () => {
    const { socket, client } = await gatewayWithLinks();
    const watcher = (await AdminClient.connect(socket))!;
    clients.push(watcher);
    const events: ConnectionsEvent[] = [];
    let seen: (() => void) | undefined;
    const subscribed = await watcher.subscribe(['connections'], (line: AdminEventLine) => {
      if ('event' in line) events.push(line.event as ConnectionsEvent);
      seen?.();
    });
    expect(subscribed.topics).toEqual(['connections']);
    const waitFor = (pred: (e: ConnectionsEvent) => boolean) =>
      new Promise<ConnectionsEvent>((resolve) => {
        const check = () => {
          const e = events.find(pred);
          if (e) resolve(e);
        };
        seen = check;
        check();
      });
    // The snapshot at subscribe: every connection.
    await waitFor((e) => e.id === 'link' && e.state === 'up');
    expect(events.map((e) => e.id)).toEqual(expect.arrayContaining(['smtp', 'pop3', 'link']));

    await client.call('links.state', { link: 'link', state: 'down' });
    expect(await waitFor((e) => e.id === 'link' && e.state === 'down')).toMatchObject({ kind: 'test-link', outbound: true });

    // Requests on a subscribed connection are refused: it carries events only.
    await expect(watcher.request('status', {})).rejects.toMatchObject({ code: 'NOWSMS_ERR_USAGE' });
    expect((await client.request('status', {})).admin.subscribers).toEqual([expect.objectContaining({ topics: ['connections'] })]);
    await watcher.close();
    await until('the subscriber to be gone', async () => ((await client.request('status', {})).admin.subscribers.length === 0 ? true : undefined));
    await expect(client.request('subscribe', { topics: ['nothing'] })).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });
    // A cursor that is not one is refused with the field named, not taken as "from now on".
    for (const bad of ['12', -1, 1.5])
      await expect(client.request('subscribe', { topics: ['messages'], from: { messages: bad } })).rejects.toMatchObject({
        code: 'NOWSMS_ERR_BAD_REQUEST',
        field: 'from.messages',
      });
    // ... and the connection is still good for requests.
    expect((await client.request('status', {})).admin.subscribers).toEqual([]);
  });

  it('drops events for a client that never reads, instead of holding them, and cleans up when it goes', async () => {
    const { socket, client } = await gatewayWithLinks();
    // A client that subscribes to a firehose and then never reads a byte.
    const stuck = net.connect(socket);
    await new Promise((r) => stuck.once('connect', r));
    stuck.write('{"command":"subscribe","topics":["links.flood"]}\n');
    stuck.pause();

    const lagging = await until('the gateway to drop events for the stuck client', async () => {
      const [s] = (await client.request('status', {})).admin.subscribers;
      return s && s.dropped > 1000 ? s : undefined;
    });
    // What the gateway holds for it is bounded by the high-water mark (plus the one event that crossed it).
    expect(lagging.buffered).toBeLessThanOrEqual(STREAM_HIGH_WATER_BYTES + 8192);
    const later = await until('more events to be dropped', async () => {
      const [s] = (await client.request('status', {})).admin.subscribers;
      return s && s.dropped > lagging.dropped + 1000 ? s : undefined;
    });
    expect(later.buffered).toBeLessThanOrEqual(STREAM_HIGH_WATER_BYTES + 8192);
    expect(await client.call('links.floods', {})).toEqual({ open: 1 });

    // Reading again: the client is told what it missed before events resume.
    stuck.setEncoding('utf8');
    const lines: string[] = [];
    let buf = '';
    const lagged = new Promise<Record<string, unknown>>((resolve) =>
      stuck.on('data', (d: string) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          lines.push(line);
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if ('lagged' in parsed) resolve(parsed);
        }
      }),
    );
    stuck.resume();
    expect(await lagged).toMatchObject({ topic: 'links.flood', lagged: { dropped: expect.any(Number) } });
    expect(JSON.parse(lines[0]!)).toMatchObject({ ok: true, result: { topics: ['links.flood'] } });

    stuck.destroy();
    await until('the subscription to be closed', async () => {
      const s = await client.request('status', {});
      const floods = (await client.call('links.floods', {})) as { open: number };
      return s.admin.subscribers.length === 0 && floods.open === 0 ? true : undefined;
    });
  });
  it('streams the event log: a subscriber from a cursor gets what happened since, then each change as it is committed', async () => {
    const config = await writeConfig({ keys: "users: [{ name: 'bob', password: 'bob-pw', smtpLogin: true, recipients: ['+15550001111'] }]," });
    child = (await startProcess(config)).child;
    const inject = (text: string) => {
      const r = cli(['inject', '--from', '+447700900123', '--to', '+15550001111', '--text', text, '--json', '--config', config.file]);
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { id: string }).id;
    };
    const first = inject('before the subscription');
    const watcher = (await AdminClient.connect(adminSocketPath(config.dataDir)))!;
    clients.push(watcher);
    const changes: StatusChange[] = [];
    await watcher.subscribe(
      ['messages'],
      (line: AdminEventLine) => {
        if ('event' in line) changes.push(line.event as StatusChange);
      },
      { messages: 0 },
    );
    // Replayed from the cursor: the first message entered bob's mailbox.
    await until('the replayed change', async () => changes.find((c) => c.messageId === first && c.status === 'in-mailbox'));
    expect(changes.find((c) => c.messageId === first && c.status === 'in-mailbox')).toMatchObject({
      target: { kind: 'mailbox', user: 'bob' },
      direction: 'MO',
    });
    // Then live, with a higher seq.
    const second = inject('after the subscription');
    const live = await until('the live change', async () => changes.find((c) => c.messageId === second && c.status === 'in-mailbox'));
    expect(live.seq).toBeGreaterThan(changes.find((c) => c.messageId === first)!.seq);
    const seqs = changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});
