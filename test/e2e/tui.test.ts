// The terminal UI in a real terminal: tmux runs `nowsms tui` against a gateway started as a user does,
// with SMPP traffic flowing to the SMSC simulator; send-keys drives it, capture-pane reads it. Every wait
// is on what the screen (or the store) shows, never a fixed sleep.
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../core/admin/client.ts';
import { adminSocketPath } from '../../core/admin/server.ts';
import { SmscSimulator } from '../plugins/smpp/smsc-simulator/index.ts';
import { curlPop3 } from '../helpers/pop3-fetch.ts';
import { missingPeer } from '../helpers/peers.ts';
import { cli, ROOT, startProcess, stopProcess, writeConfig, type ConfigFile } from '../helpers/process.ts';
import { startTmux, type Tmux } from '../helpers/tmux.ts';
import { waitFor } from '../helpers/wait.ts';

const BIN = path.join(ROOT, 'bin/nowsms.js');
const noTmux = missingPeer('tmux');
/** An SGR escape (colour, bold, inverse...): ESC [ ... m. */
const SGR = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m');

interface Rig {
  sim: SmscSimulator;
  config: ConfigFile;
  child: ChildProcess;
  lines: string[];
  admin: AdminClient;
  traffic: NodeJS.Timeout;
}

let rig: Rig | undefined;
let term: Tmux | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  if (rig) {
    clearInterval(rig.traffic);
    await rig.admin.close().catch(() => undefined);
    await stopProcess(rig.child);
    await rig.sim.stop();
  }
  rig = undefined;
});

/** A gateway with an SMSC link (retries far apart, so a failed send stays queued), and MT traffic every 200 ms. */
async function gateway(): Promise<Rig> {
  const sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret', receipts: true });
  const config = await writeConfig({
    imports: { '{ smppClient }': 'plugins/smpp/index.ts' },
    keys: 'retry: { firstDelaySeconds: 3600, stepSeconds: 3600 },',
    plugins: [
      `smppClient({ id: 'smsc', host: '127.0.0.1', port: ${sim.port}, systemId: 'nowsms', password: 'secret', anyTraffic: true, reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 } })`,
    ],
  });
  const { child, lines } = await startProcess(config);
  const admin = (await AdminClient.connect(adminSocketPath(config.dataDir)))!;
  const r: Rig = { sim, config, child, lines, admin, traffic: setInterval(() => undefined, 1000) };
  let n = 0;
  clearInterval(r.traffic);
  r.traffic = setInterval(() => {
    r.admin
      .request('inject', { from: '+15550001111', to: `+1555000${String(n++ % 10000).padStart(4, '0')}`, text: 'traffic', direction: 'MT' })
      .catch(() => undefined);
  }, 200);
  return r;
}

function tui(config: ConfigFile, size: { columns: number; rows: number }, args: string[] = [], env: Record<string, string> = {}): Tmux {
  return startTmux([process.execPath, BIN, 'tui', '--config', config.file, ...args], { ...size, env, cwd: config.dir });
}

/** The number after `name ` in the smsc row of the dashboard. */
function counter(screen: string, name: string): number | undefined {
  const row = screen.split('\n').find((l) => /^\W*smsc\s/.test(l));
  const m = row && new RegExp(`${name} (\\d+)`).exec(row);
  return m ? Number(m[1]) : undefined;
}

describe.skipIf(noTmux)('nowsms tui in tmux', () => {
  it('at 80x24: the dashboard follows the traffic; a stuck message is retried and another deleted from the queue; a user added logs in over POP3; the gateway killed (users still read from the store) and restarted', async () => {
    rig = await gateway();
    const r = rig;
    // Two messages to +44 that the SMSC refuses once (a temporary error): they wait, retrying, an hour away.
    r.sim.failNextSubmits({ status: 0x08 }, { status: 0x08 });
    const stuck = [];
    for (const to of ['+447700900001', '+447700900002'])
      stuck.push((await r.admin.request('inject', { from: '+15550001111', to, text: 'stuck', direction: 'MT' })).id);
    await waitFor('both +44 messages retrying', async () => {
      const page = await r.admin.request('queue.list', { connection: 'smsc', filter: '+44' });
      return page.items.filter((i) => i.status === 'retrying').length === 2;
    });

    term = tui(r.config, { columns: 80, rows: 24 });
    const t = term;
    const first = await t.waitFor('the SMSC up with a sent counter', (s) => /smsc\s+smpp-client\s+● up/.test(s) && counter(s, 'sent') !== undefined);
    const before = counter(first, 'sent')!;
    await t.waitFor('the sent counter rising', (s) => (counter(s, 'sent') ?? 0) >= before + 5);
    expect(first.trimEnd().split('\n').length).toBeLessThanOrEqual(24);
    // With colour on, the capture does carry colour escapes (what the NO_COLOR test checks is gone).
    expect(t.screen(true)).toMatch(SGR);

    // Queues -> smsc -> filter +44.
    t.keys('3');
    await t.waitFor('the queues', (s) => s.includes('Queues: enter opens one'));
    t.keys('Enter');
    await t.waitFor('the smsc queue', (s) => s.includes('Queue smsc:'));
    t.keys('/');
    await t.waitFor('the filter prompt', (s) => s.includes('filter /'));
    t.type('+44');
    await t.waitFor('the typed filter', (s) => s.includes('filter / +44'));
    t.keys('Enter');
    const filtered = await t.waitFor(
      'the two +44 messages',
      (s) => s.includes('2 matching "+44" waiting') && (s.match(/\+4477009000\d\d/g) ?? []).length === 2,
    );
    expect(filtered).toMatch(/retrying/);
    expect(filtered).toMatch(/SMSC refused submit_sm/);

    // r: the selected (first) one is sent now.
    const page = await r.admin.request('queue.list', { connection: 'smsc', filter: '+44' });
    const [retried, deleted] = page.items.map((i) => i.id);
    t.keys('r');
    await t.waitFor('the retry reported', (s) => s.includes('retry now'));
    await waitFor('the retried message sent', async () =>
      ['sent', 'delivered'].includes((await r.admin.request('messages.get', { message: retried! })).status),
    );
    await t.waitFor('one +44 message left', (s) => s.includes('1 matching "+44" waiting'));

    // d, then y: the other one is deleted, and the gateway logs who did it.
    t.keys('d');
    await t.waitFor('the question', (s) => s.includes('[y/N]') && s.includes('Delete message'));
    t.keys('y');
    await t.waitFor('the delete reported', (s) => s.includes(': deleted'));
    expect((await r.admin.request('messages.get', { message: deleted! })).status).toBe('deleted');
    const logged = await waitFor('the delete in the gateway log', () =>
      r.lines.find((l) => l.includes('"admin action done"') && l.includes('"messages.delete"') && l.includes(deleted!)),
    );
    expect(JSON.parse(logged).actor).toBe(os.userInfo().username);
    expect(stuck).toEqual(expect.arrayContaining([retried, deleted]));

    // Users: add one with a hidden password; POP3 takes the login at once.
    t.keys('Escape');
    await t.waitFor('the queue list', (s) => s.includes('Queues: enter opens one'));
    t.keys('5');
    await t.waitFor('the users view', (s) => s.includes('no users: a adds one'));
    t.keys('a');
    await t.waitFor('the add form', (s) => s.includes('Add a user'));
    t.type('alice');
    await t.waitFor('the name typed', (s) => s.includes('alice'));
    t.keys('Enter');
    t.type('s3cret-pw');
    const typed = await t.waitFor('the password typed, hidden', (s) => s.includes('*********'));
    expect(typed).not.toContain('s3cret-pw');
    for (let i = 0; i < 9; i++) t.keys('Enter');
    await t.waitFor('the user added', (s) => s.includes('user alice added') && /alice\s+smtp/.test(s));
    // curl fails (exit 67) on a refused login; an empty mailbox lists nothing.
    expect((await curlPop3(r.config.pop3Port, 'alice', 's3cret-pw')).trim()).toBe('');

    // The gateway killed: the "not running" screen; started again: back by itself.
    t.keys('1');
    await t.waitFor('the dashboard', (s) => s.includes('smpp-client'));
    clearInterval(r.traffic);
    await r.admin.close();
    await stopProcess(r.child, 'SIGKILL');
    await t.waitFor('the not-running screen', (s) => s.includes('The gateway is not running') && s.includes('nowsms start'));
    // Users still work meanwhile, on the store (the CLI's path).
    t.keys('5');
    await t.waitFor('the users, from the store', (s) => /alice\s+smtp/.test(s));
    t.keys('1');
    await t.waitFor('the not-running screen again', (s) => s.includes('The gateway is not running'));
    const again = await startProcess(r.config);
    r.child = again.child;
    r.lines = again.lines;
    r.admin = (await AdminClient.connect(adminSocketPath(r.config.dataDir)))!;
    await t.waitFor('the dashboard again', (s) => /smsc\s+smpp-client\s+● up/.test(s) && s.includes(`pid ${again.child.pid}`));

    t.keys('q');
    await waitFor('the TUI to quit', () => t.exited());
  });

  it('at 120x40 with NO_COLOR and --readonly: no colour escapes, help lists the keys, :log tails the log, actions are refused', async () => {
    rig = await gateway();
    const r = rig;
    r.sim.failNextSubmits({ status: 0x08 });
    const { id } = await r.admin.request('inject', { from: '+15550001111', to: '+447700900009', text: 'stuck', direction: 'MT' });
    await waitFor('the message retrying', async () => (await r.admin.request('messages.get', { message: id })).status === 'retrying');

    term = tui(r.config, { columns: 120, rows: 40 }, ['--readonly'], { NO_COLOR: '1' });
    const t = term;
    await t.waitFor('the SMSC up', (s) => /smsc\s+smpp-client\s+● up/.test(s) && s.includes('READ-ONLY'));
    const withEscapes = t.screen(true);
    // SGR escapes: colours and attributes. None at all with NO_COLOR.
    expect(withEscapes).not.toMatch(SGR);

    // Resized to 80x24 and back: the frame follows (short view names when narrow).
    t.resize(80, 24);
    await t.waitFor('the narrow header', (s) => s.includes('2 conns') && s.trimEnd().split('\n').length <= 24);
    t.resize(120, 40);
    await t.waitFor('the wide header', (s) => s.includes('2 connections'));

    t.keys('?');
    const help = await t.waitFor('the help', (s) => s.includes('Keys (any key closes this help)'));
    for (const k of [':name', 'q', '/', 'r retry now', 'd delete', 'a add', 'p reset password']) expect(help).toContain(k);
    t.keys('Escape');
    await t.waitFor('the help closed', (s) => !s.includes('Keys (any key closes this help)'));

    t.keys(':');
    await t.waitFor('the command line', (s) => /^:\s/m.test(s));
    t.type('log');
    await t.waitFor('the typed view name', (s) => /^: log/m.test(s));
    t.keys('Enter');
    await t.waitFor('log lines', (s) => s.includes('Log:') && s.includes('message accepted'));

    t.keys('3');
    await t.waitFor('the queues', (s) => s.includes('Queues: enter opens one'));
    t.keys('Enter');
    await t.waitFor('the stuck message', (s) => s.includes('+447700900009'));
    t.keys('d');
    await t.waitFor('the refusal', (s) => s.includes('read-only mode'));
    expect(t.screen()).not.toContain('[y/N]');
    expect((await r.admin.request('messages.get', { message: id })).status).toBe('retrying');
    expect(t.screen(true)).not.toMatch(SGR);
  });

  it('refuses to run without a terminal and points to nowsms status', async () => {
    const config = await writeConfig();
    const r = cli(['tui', '--config', config.file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('needs a terminal');
    expect(r.stderr).toContain('nowsms status');
  });
});
