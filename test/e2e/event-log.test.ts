// The event log with the gateway as a process: what another process commits (`nowsms inject`) reaches the
// running gateway's reactors, and a durable reactor killed between a change and its work does that work
// exactly once after a restart.
import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../plugins/store-sqlite/index.ts';
import { cli, freePort, startProcess, stopProcess, writeConfig, type ConfigFile } from '../helpers/process.ts';
import { SmppTestClient } from '../plugins/smpp/server/client.ts';

let child: ChildProcess | undefined;
const clients: SmppTestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  if (child) await stopProcess(child, 'SIGKILL');
  child = undefined;
});

function addUser(config: ConfigFile, name: string, ...flags: string[]): void {
  const r = cli(['users', 'add', name, '--password', `${name}-pw`, ...flags, '--config', config.file]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/NOWSMS_ERR|Error/);
}

function inject(config: ConfigFile, to: string, text: string): string {
  const r = cli(['inject', '--from', '+15550009999', '--to', to, '--text', text, '--json', '--config', config.file]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/NOWSMS_ERR|Error/);
  return (JSON.parse(r.stdout) as { id: string }).id;
}

async function waitForLine(lines: string[], pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const line = lines.find((l) => pattern.test(l));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the event log, across processes', () => {
  it('an SMS injected with the CLI reaches a client bound over SMPP as deliver_sm, while it stays bound', async () => {
    const smppPort = await freePort();
    const config = await writeConfig({
      withoutEmail: true,
      imports: { '{ smppServer }': 'plugins/smpp/index.ts' },
      plugins: [`smppServer({ port: ${smppPort} })`],
    });
    addUser(config, 'alice', '--smpp-login', '--recipients', '+15550001111');
    child = (await startProcess(config)).child;
    const { client, resp } = await SmppTestClient.bound(smppPort, 'bind_transceiver', 'alice', 'alice-pw');
    clients.push(client);
    expect(resp.command_status).toBe(0);
    // Bound with an empty mailbox: nothing comes at the bind.
    expect((await client.request('enquire_link')).command_status).toBe(0);
    expect(client.received).toEqual([]);

    const id = inject(config, '+15550001111', 'from another process');
    await client.until(() => client.received.length === 1, 'the deliver_sm of the injected SMS');
    expect(client.received[0]).toMatchObject({ command: 'deliver_sm', source_addr: '15550009999', destination_addr: '15550001111' });
    expect(String((client.received[0]!.short_message as { message?: string }).message)).toBe('from another process');
    // The same session, still bound.
    expect(client.closed).toBe(false);
    expect((await client.request('enquire_link')).command_status).toBe(0);
    await stopProcess(child);
    child = undefined;
    const store = await openSqliteStore(path.join(config.dataDir, 'nowsms.db'));
    try {
      expect((await store.messages.summary(id))?.status).toBe('retrieved');
    } finally {
      await store.close();
    }
  });

  it('a durable reactor killed with -9 between a change and its work does the work once after the restart', async () => {
    // A reactor that answers every message in bob's mailbox with one for carol (keyed by the message, so a
    // change handed over twice makes no second answer). The stall file makes it hang before or after its work.
    const config = await writeConfig({
      withoutEmail: true,
      imports: { '{ definePlugin }': 'core/index.ts', '{ existsSync, readFileSync }': 'node:fs' },
      preamble: `
const stallFile = new URL('./stall', import.meta.url);
const answering = definePlugin({
  name: 'answering',
  setup(api) {
    api.follow({
      name: 'answering',
      durable: true,
      async handle(changes) {
        for (const c of changes) {
          if (c.status !== 'in-mailbox' || c.target?.kind !== 'mailbox' || c.target.user !== 'bob') continue;
          const stall = existsSync(stallFile) ? readFileSync(stallFile, 'utf8') : '';
          if (stall === 'before') {
            api.log.info({ id: c.messageId }, 'answering stalls before its work');
            await new Promise(() => {});
          }
          const [a] = await api.submit([{
            direction: 'MO', kind: 'sms', from: '+15550003333', to: '+15550005555', via: 'answering',
            parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('answer to ' + c.messageId) }],
            idempotencyKey: 'answer:' + c.messageId,
          }]);
          api.log.info({ id: c.messageId, answer: a.id, duplicate: a.duplicate === true }, 'answering made its answer');
          if (stall === 'after') {
            api.log.info({ id: c.messageId }, 'answering stalls after its work');
            await new Promise(() => {});
          }
        }
      },
    });
  },
});`,
      plugins: ['answering'],
    });
    addUser(config, 'bob', '--recipients', '+15550003333');
    addUser(config, 'carol', '--recipients', '+15550005555');
    const stall = path.join(config.dir, 'stall');
    const answers = async () => {
      const store = await openSqliteStore(path.join(config.dataDir, 'nowsms.db'));
      try {
        return (await store.messages.list({ user: undefined, limit: 1000 })).filter((m) => m.via === 'answering').map((m) => m.subject ?? m.id);
      } finally {
        await store.close();
      }
    };

    // 1. Killed after the change was committed, before the reactor did anything.
    writeFileSync(stall, 'before');
    let run = await startProcess(config);
    child = run.child;
    const first = inject(config, '+15550003333', 'first');
    await waitForLine(run.lines, new RegExp(`"id":"${first}".*answering stalls before its work`), 'the reactor to stall before its work');
    await stopProcess(child, 'SIGKILL');
    expect(await answers()).toHaveLength(0);

    // 2. Started again: the change is handed over again and answered. Then killed after the work of the
    // next change, before its cursor could pass it.
    writeFileSync(stall, 'after');
    run = await startProcess(config);
    child = run.child;
    await waitForLine(run.lines, new RegExp(`"id":"${first}".*answering stalls after its work`), 'the answer to the change cut off by the crash');
    await stopProcess(child, 'SIGKILL');
    expect(await answers()).toHaveLength(1);

    // 3. Started again with no stall: the same change comes again (at least once), its answer is a
    // duplicate by its key, and a new change is answered as usual.
    rmSync(stall);
    run = await startProcess(config);
    child = run.child;
    expect(await waitForLine(run.lines, new RegExp(`"id":"${first}".*answering made its answer`), 'the change handed over again')).toMatch(/"duplicate":true/);
    const second = inject(config, '+15550003333', 'second');
    expect(await waitForLine(run.lines, new RegExp(`"id":"${second}".*answering made its answer`), 'the answer to the second')).toMatch(/"duplicate":false/);
    await stopProcess(child);
    child = undefined;
    expect(await answers()).toHaveLength(2);

    // 4. A clean stop saved the cursor past every change it handled: the next start owes nothing.
    const store = await openSqliteStore(path.join(config.dataDir, 'nowsms.db'));
    try {
      const log = await store.events.changesSince(0, 1000);
      const secondSeq = log.find((c) => c.messageId === second && c.status === 'in-mailbox')!.seq;
      expect(await store.events.cursor('answering')).toBeGreaterThanOrEqual(secondSeq);
    } finally {
      await store.close();
    }
  });
});
