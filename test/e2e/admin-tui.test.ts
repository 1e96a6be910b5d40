// What the admin socket gained for the terminal UI, against a gateway started as a user does: the message
// list and detail, a filtered queue page, the log topic, and operator actions logged with who asked.
import os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../core/admin/client.ts';
import type { LogLineEvent } from '../../core/admin/protocol.ts';
import { adminSocketPath } from '../../core/admin/server.ts';
import { LogTail } from '../../core/log-tail.ts';
import { startProcess, stopProcess, writeConfig } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let child: ChildProcess | undefined;
const clients: AdminClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  if (child) await stopProcess(child);
  child = undefined;
});

async function start() {
  // A link that is down: what is routed to it waits in its queue.
  const config = await writeConfig({
    imports: { '{ operatorLinks }': 'test/helpers/operator-link.ts' },
    plugins: [`operatorLinks([{ id: 'link', anyTraffic: true, state: 'down' }])`],
  });
  const p = await startProcess(config);
  child = p.child;
  const connect = async () => {
    const c = (await AdminClient.connect(adminSocketPath(config.dataDir)))!;
    clients.push(c);
    return c;
  };
  return { config, lines: p.lines, connect, admin: await connect() };
}

describe('admin interface for the TUI', () => {
  it('messages.list filters by number, direction and status; messages.get shows parts, history and route; queue.list filters', async () => {
    const { admin } = await start();
    const ids: string[] = [];
    for (const to of ['+447700900001', '+447700900002', '+15550003333'])
      ids.push((await admin.request('inject', { from: '+15550001111', to, text: 'hello', direction: 'MT' })).id);
    const mo = await admin.request('inject', { from: '+447700900009', to: '+15550001111', text: 'mo', direction: 'MO' });

    const uk = await admin.request('messages.list', { number: '+44' });
    expect(uk.map((m) => m.id).sort()).toEqual([ids[0], ids[1], mo.id].sort());
    const ukMt = await admin.request('messages.list', { number: '+44', direction: 'MT' });
    expect(ukMt.map((m) => m.id).sort()).toEqual([ids[0], ids[1]].sort());
    const queued = await admin.request('messages.list', { status: 'queued', limit: 2 });
    expect(queued).toHaveLength(2);
    expect(queued.every((m) => m.status === 'queued')).toBe(true);

    const m = await admin.request('messages.get', { message: ids[0]! });
    expect(m).toMatchObject({ id: ids[0], direction: 'MT', to: '+447700900001', status: 'queued', target: { kind: 'connection', id: 'link' } });
    expect(m.parts).toEqual([expect.objectContaining({ contentType: 'text/plain; charset=utf-8', size: 5 })]);
    expect(m.history.map((h) => h.status)).toContain('queued');
    expect(typeof m.receivedAt).toBe('string');
    await expect(admin.request('messages.get', { message: 'nope' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });
    await expect(admin.request('messages.list', { status: 'lost' as never })).rejects.toMatchObject({ code: 'NOWSMS_ERR_BAD_REQUEST', field: 'status' });

    const all = await admin.request('queue.list', { connection: 'link' });
    expect(all.total).toBe(3);
    const filtered = await admin.request('queue.list', { connection: 'link', filter: '+4477', pageSize: 1 });
    expect(filtered.total).toBe(2);
    expect(filtered.items).toHaveLength(1);
    const second = await admin.request('queue.list', { connection: 'link', filter: '+4477', pageSize: 1, page: 2 });
    expect([filtered.items[0]!.id, second.items[0]!.id].sort()).toEqual([ids[0], ids[1]].sort());
  });

  it('the log topic sends the recent lines, then each new one; actions are logged with who asked, without passwords or text', async () => {
    const { admin, connect, lines } = await start();
    const stream = await connect();
    const got: LogLineEvent[] = [];
    await stream.subscribe(['log'], (l) => {
      if ('event' in l) got.push(l.event as LogLineEvent);
    });
    await waitFor('the backlog', () => got.some((l) => l.msg === 'gateway started' && l.level === 'info'));
    await admin.request('users.add', { name: 'carol', password: 'very-secret', smtpLogin: true });
    const line = await waitFor('the action on the topic', () => got.find((l) => l.msg === 'admin action done' && l.fields.command === 'users.add'));
    expect(line.fields).toMatchObject({ actor: os.userInfo().username, name: 'carol', password: '(set)' });
    expect(line.seq).toBeGreaterThan(got[0]!.seq);

    await admin.request('inject', { from: '+15550001111', to: '+447700900001', text: 'private words', direction: 'MT' });
    await expect(admin.request('messages.delete', { message: 'nope' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });
    await admin.request('status', {});
    const refused = await waitFor('the refused action in the gateway log', () => lines.find((l) => l.includes('"admin action refused"')));
    expect(JSON.parse(refused)).toMatchObject({ command: 'messages.delete', message: 'nope', error: 'NOWSMS_ERR_NOT_FOUND' });
    const out = lines.join('\n');
    expect(out).not.toContain('very-secret');
    expect(out).not.toContain('private words');
    expect(out).toContain('"text":"(13 characters)"');
    // Reading is not an action.
    expect(lines.some((l) => l.includes('"admin action') && l.includes('"status"'))).toBe(false);
  });

  it('the log tail keeps its last lines and replays those after a cursor', () => {
    const tail = new LogTail(3);
    for (let i = 1; i <= 5; i++) tail.write(JSON.stringify({ level: 40, time: 0, msg: `line ${i}`, connection: 'smsc' }) + '\n');
    const got: LogLineEvent[] = [];
    const stop = tail.topic().subscribe(3, (e) => got.push(e)) as () => void;
    expect(got.map((e) => [e.seq, e.msg, e.level])).toEqual([
      [4, 'line 4', 'warn'],
      [5, 'line 5', 'warn'],
    ]);
    expect(got[0]!.fields).toEqual({ connection: 'smsc' });
    tail.write('not json\n');
    expect(got.at(-1)).toMatchObject({ seq: 6, msg: 'not json' });
    stop();
    tail.write(JSON.stringify({ level: 30, msg: 'after' }) + '\n');
    expect(got).toHaveLength(3);
  });
});
