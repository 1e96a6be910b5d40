// The CLI's changes and the operator's actions, through a running gateway (which acts at once) and, with no
// gateway, on the store directly: real processes, a real socket, a real database.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { AdminClient } from '../../core/admin/client.ts';
import type { QueuePage } from '../../core/admin/protocol.ts';
import { adminSocketPath } from '../../core/admin/server.ts';
import { cli, startProcess, stopProcess, writeConfig, type ConfigFile } from '../helpers/process.ts';
import { curlPop3 } from '../helpers/pop3-fetch.ts';
import { missingPeer } from '../helpers/peers.ts';

let child: ChildProcess | undefined;
const clients: AdminClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  if (child) await stopProcess(child);
  child = undefined;
});

function linksConfig(linkState: 'up' | 'down' = 'up') {
  return writeConfig({
    imports: { '{ operatorLinks }': 'test/helpers/operator-link.ts' },
    keys: 'retry: { firstDelaySeconds: 3600, stepSeconds: 3600 },',
    plugins: [`operatorLinks([{ id: 'link', recipients: ['+44*'], state: '${linkState}' }, { id: 'spare' }])`],
  });
}

/** A CLI command that must succeed, its --json output parsed. */
function json<T = Record<string, unknown>>(config: ConfigFile, ...args: string[]): T {
  const r = cli([...args, '--json', '--config', config.file]);
  if (r.status !== 0) throw new Error(`nowsms ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

async function start(config: ConfigFile): Promise<AdminClient> {
  child = (await startProcess(config)).child;
  const client = (await AdminClient.connect(adminSocketPath(config.dataDir)))!;
  clients.push(client);
  return client;
}

async function stop(): Promise<void> {
  for (const c of clients.splice(0)) await c.close();
  await stopProcess(child!);
  child = undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function smtpLogin(config: ConfigFile, user: string, pass: string): Promise<boolean> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: config.smtpPort, secure: false, ignoreTLS: true, auth: { user, pass } });
  try {
    return await t.verify();
  } catch {
    return false;
  } finally {
    t.close();
  }
}

async function pop3Login(config: ConfigFile, user: string, pass: string): Promise<boolean> {
  try {
    await curlPop3(config.pop3Port, user, pass);
    return true;
  } catch {
    return false;
  }
}

const sent = (client: AdminClient, link: string) => client.call('links.sent', { link }) as Promise<string[]>;

// Each CLI call is a process that loads the config: these tests take a while on a busy machine.
const SLOW = { timeout: 240_000 };

describe.skipIf(missingPeer('curl'))('CLI changes', SLOW, () => {
  it('go through a running gateway: a new user logs in over SMTP and POP3 at once, an injected MT message is routed and sent', async () => {
    const config = await linksConfig();
    const client = await start(config);

    expect(json(config, 'users', 'add', 'alice', '--password', 'pw', '--smtp-login')).toMatchObject({ name: 'alice', via: 'gateway' });
    expect(await smtpLogin(config, 'alice', 'pw')).toBe(true);
    expect(await pop3Login(config, 'alice', 'pw')).toBe(true);

    expect(json(config, 'users', 'set', 'alice', '--password', 'new-pw')).toMatchObject({ via: 'gateway' });
    expect(await smtpLogin(config, 'alice', 'pw')).toBe(false);
    expect(await smtpLogin(config, 'alice', 'new-pw')).toBe(true);

    expect(json(config, 'users', 'remove', 'alice')).toEqual({ removed: 'alice', via: 'gateway' });
    expect(await pop3Login(config, 'alice', 'new-pw')).toBe(false);

    const a = json<{ id: string; target: unknown; via: string }>(config, 'inject', '--mt', '--from', '+15550009999', '--to', '+447700900001', '--text', 'hi');
    expect(a).toMatchObject({ via: 'gateway', target: { kind: 'connection', id: 'link' } });
    await until('the injected message to be sent', async () => (await sent(client, 'link')).includes(a.id));
  });

  it('work on the store when no gateway runs, and the gateway finds them at start', async () => {
    const config = await linksConfig();
    expect(json(config, 'users', 'add', 'alice', '--password', 'pw', '--smtp-login')).toMatchObject({ name: 'alice', via: 'store' });
    const a = json<{ id: string; via: string }>(config, 'inject', '--mt', '--from', '+15550009999', '--to', '+447700900001', '--text', 'hi');
    expect(a).toMatchObject({ via: 'store', target: { kind: 'connection', id: 'link' } });

    const client = await start(config);
    expect(await smtpLogin(config, 'alice', 'pw')).toBe(true);
    await until('the message injected before start to be sent', async () => (await sent(client, 'link')).includes(a.id));
  });
});

describe('operator actions', SLOW, () => {
  it('through a running gateway: list a queue by pages, delete, move, retry now, requeue a no-route message', async () => {
    const config = await linksConfig('down');
    const client = await start(config);
    const inject = async (to: string, text: string) => (await client.request('inject', { from: '+15550009999', to, text, direction: 'MT' })).id;
    const one = await inject('+447700900001', 'one');
    const two = await inject('+447700900002', 'two');
    const three = await inject('+447700900003', 'fail three');
    const four = await inject('+15550004444', 'four');

    const page1 = json<QueuePage & { via: string }>(config, 'queue', 'list', 'link', '--page-size', '2');
    expect(page1).toMatchObject({ via: 'gateway', connection: 'link', total: 3, page: 1, pageSize: 2 });
    expect(page1.items).toEqual([
      expect.objectContaining({ id: one, connection: 'link', status: 'queued', attempts: 0, sending: false, to: '+447700900001', direction: 'MT' }),
      expect.objectContaining({ id: two, status: 'queued' }),
    ]);
    expect(json<QueuePage>(config, 'queue', 'list', 'link', '--page-size', '2', '--page', '2').items.map((i) => i.id)).toEqual([three]);
    expect(json<QueuePage>(config, 'queue', 'list', '--no-route').items).toEqual([expect.objectContaining({ id: four, connection: null, status: 'no-route' })]);
    const status = json<{ noRoute: number; outbound: string[] }>(config, 'status');
    expect(status.noRoute).toBe(1);
    expect(status.outbound).toEqual(['link', 'spare']);

    expect(json(config, 'messages', 'delete', one)).toEqual({ id: one, status: 'deleted', via: 'gateway' });
    expect(json(config, 'messages', 'move', two, 'spare')).toEqual({ id: two, status: 'queued', connection: 'spare', via: 'gateway' });
    await until('the moved message to be sent on spare', async () => (await sent(client, 'spare')).includes(two));

    // The link comes up: "fail three" fails once and would wait an hour; retry now sends it at once.
    await client.call('links.state', { link: 'link', state: 'up' });
    const retrying = await until('the failed message to wait for its retry', async () => {
      const p = await client.request('queue.list', { connection: 'link' });
      return p.items.find((i) => i.id === three && i.status === 'retrying');
    });
    expect(retrying).toMatchObject({ attempts: 1, lastError: 'scripted temporary failure' });
    expect(Date.parse(retrying.nextAttemptAt) - Date.now()).toBeGreaterThan(60_000);
    expect(json(config, 'messages', 'retry', three)).toEqual({ id: three, status: 'queued', connection: 'link', via: 'gateway' });
    await until('the retried message to be sent', async () => (await sent(client, 'link')).includes(three));
    expect(await sent(client, 'link')).not.toContain(one);

    // No connection takes +1 yet: requeue says so and the message keeps waiting; once one does, it goes.
    const refused = cli(['messages', 'requeue', four, '--config', config.file]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/NOWSMS_ERR_CONFLICT: no connection takes message/);
    await client.call('links.recipients', { link: 'link', masks: ['+44*', '+1*'] });
    expect(json(config, 'messages', 'requeue', four)).toEqual({ id: four, status: 'queued', connection: 'link', via: 'gateway' });
    await until('the requeued message to be sent', async () => (await sent(client, 'link')).includes(four));

    // What cannot be done is refused with a code that says why.
    await expect(client.request('messages.move', { message: three, connection: 'spare' })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_CONFLICT',
      message: expect.stringMatching(/is sent, not waiting in a queue/),
    });
    const five = await inject('+447700900005', 'fail five');
    await expect(client.request('messages.move', { message: five, connection: 'smtp' })).rejects.toMatchObject({
      code: 'NOWSMS_ERR_CONFLICT',
      message: expect.stringMatching(/cannot send/),
    });
    await expect(client.request('messages.move', { message: five, connection: 'nope' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });
    await expect(client.request('messages.requeue', { message: five })).rejects.toMatchObject({ code: 'NOWSMS_ERR_CONFLICT' });
    await expect(client.request('messages.delete', { message: 'nope' })).rejects.toMatchObject({ code: 'NOWSMS_ERR_NOT_FOUND' });
    await expect(client.request('messages.delete', { message: two })).rejects.toMatchObject({ code: 'NOWSMS_ERR_CONFLICT' });

    const history = json<{ id: string; status: string; history: { status: string; detail?: string }[] }[]>(config, 'messages', 'list');
    expect(history.find((m) => m.id === one)).toMatchObject({ status: 'deleted' });
    expect(history.find((m) => m.id === two)!.history).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'queued', detail: 'moved from link to spare (operator)' })]),
    );
  });

  it('on the store when no gateway runs: the same actions, and the gateway acts on them at start', async () => {
    const config = await linksConfig();
    const inject = (to: string, text: string) =>
      json<{ id: string; via: string }>(config, 'inject', '--mt', '--from', '+15550009999', '--to', to, '--text', text);
    // A message that failed once and waits an hour for its next attempt.
    const three = inject('+447700900003', 'fail three').id;
    let client = await start(config);
    await until('the failed message to wait for its retry', async () => {
      const p = await client.request('queue.list', { connection: 'link' });
      return p.items.some((i) => i.id === three && i.status === 'retrying');
    });
    await stop();

    const one = inject('+447700900001', 'one');
    expect(one.via).toBe('store');
    const four = inject('+15550004444', 'four').id;
    const page = json<QueuePage & { via: string }>(config, 'queue', 'list', 'link');
    expect(page).toMatchObject({ via: 'store', total: 2 });
    expect(page.items.find((i) => i.id === three)).toMatchObject({ status: 'retrying', attempts: 1, lastError: 'scripted temporary failure' });
    expect(json<QueuePage>(config, 'queue', 'list', '--no-route').items.map((i) => i.id)).toEqual([four]);

    const before = Date.now();
    expect(json(config, 'messages', 'retry', three)).toEqual({ id: three, status: 'queued', connection: 'link', via: 'store' });
    const retried = json<QueuePage>(config, 'queue', 'list', 'link').items.find((i) => i.id === three)!;
    expect(retried.status).toBe('queued');
    expect(Date.parse(retried.nextAttemptAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(retried.nextAttemptAt)).toBeGreaterThanOrEqual(before - 1000);

    expect(json(config, 'messages', 'delete', one.id)).toEqual({ id: one.id, status: 'deleted', via: 'store' });
    expect(json(config, 'messages', 'move', three, 'spare')).toEqual({ id: three, status: 'queued', connection: 'spare', via: 'store' });
    expect(json<QueuePage>(config, 'queue', 'list', 'spare').items.map((i) => i.id)).toEqual([three]);

    // The operator gives the link the +1 numbers, then routes the waiting message again before restarting.
    const refused = cli(['messages', 'requeue', four, '--config', config.file]);
    expect(refused.stderr).toMatch(/NOWSMS_ERR_CONFLICT/);
    writeFileSync(config.file, readFileSync(config.file, 'utf8').replace("recipients: ['+44*']", "recipients: ['+44*', '+1*']"));
    expect(json(config, 'messages', 'requeue', four)).toEqual({ id: four, status: 'queued', connection: 'link', via: 'store' });
    expect(json<QueuePage>(config, 'queue', 'list', '--no-route').total).toBe(0);

    client = await start(config);
    await until('the moved message to be sent on spare', async () => (await sent(client, 'spare')).includes(three));
    await until('the requeued message to be sent', async () => (await sent(client, 'link')).includes(four));
    expect(await sent(client, 'link')).not.toContain(one.id);
  });
});
