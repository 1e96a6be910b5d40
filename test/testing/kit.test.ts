// nowsms/testing, as a plug-in author uses it: imported by the package's name, a real gateway in this process.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { definePlugin } from 'nowsms';
import { smtp } from 'nowsms/plugins/smtp';
import net from 'node:net';
import { scriptedConnection, startGatewayProcess, startTestGateway, type TestGateway } from 'nowsms/testing';
import { cli, ROOT, writeConfig } from '../helpers/process.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

describe('startTestGateway with a scripted connection', () => {
  it('sends an injected MT over the scripted connection and records it', async () => {
    const link = scriptedConnection({ id: 'smsc' });
    gw = await startTestGateway({ plugins: [link] });
    const { id, target } = await gw.inject({ from: '+15550001', to: '+15550002', text: 'hello', direction: 'MT' });
    expect(target).toEqual({ kind: 'connection', id: 'smsc' });
    const sent = await gw.waitForStatus(id, 'sent');
    expect(sent.target).toEqual({ kind: 'connection', id: 'smsc' });
    expect(link.sent).toMatchObject([{ messageId: id, from: '+15550001', to: '+15550002', text: 'hello', attempts: 0, outcome: 'sent' }]);
    expect((await gw.message(id))?.status).toBe('sent');
  });

  it('fails the next sends as told: a temporary failure is retried, a permanent one fails the message', async () => {
    const link = scriptedConnection();
    gw = await startTestGateway({ plugins: [link] });
    link.failNext('temporary', { times: 2, message: 'SMSC busy' });
    const first = await gw.inject({ from: '+15550001', to: '+15550002', text: 'one', direction: 'MT' });
    const retrying = await gw.waitForStatus(first.id, 'retrying');
    expect(retrying.detail).toContain('SMSC busy');
    await gw.waitForStatus(first.id, 'sent');
    expect(link.sends.map((s) => [s.outcome, s.attempts])).toEqual([
      ['temporary', 0],
      ['temporary', 1],
      ['sent', 2],
    ]);

    link.failNext('permanent', { message: 'unknown subscriber' });
    const second = await gw.inject({ from: '+15550001', to: '+15550003', text: 'two', direction: 'MT' });
    const failed = await gw.waitForStatus(second.id, ['sent', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.detail).toContain('unknown subscriber');
  });

  it('receives MO messages as if from the network: a user with that number gets them in the mailbox', async () => {
    const link = scriptedConnection({ id: 'modem1' });
    gw = await startTestGateway({ plugins: [link], users: [{ name: 'alice', password: 'pw', recipients: ['+15550100'] }] });
    const accepted = await link.receive({ from: '+15550999', to: '+15550100', text: 'hi alice' });
    const change = await gw.waitForStatus(accepted.id, 'in-mailbox');
    expect(change).toMatchObject({ target: { kind: 'mailbox', user: 'alice' }, via: 'modem1', direction: 'MO' });
    expect(await gw.stores.mailboxes.list('alice')).toHaveLength(1);
  });

  it('records delivery reports for what the scripted connection sent', async () => {
    const link = scriptedConnection();
    gw = await startTestGateway({ plugins: [link] });
    const { id } = await gw.inject({ from: '+15550001', to: '+15550002', text: 'report me', direction: 'MT' });
    await gw.waitForStatus(id, 'sent');
    await link.report(id, 'delivered');
    await gw.waitForStatus(id, 'delivered');
  });

  it('runs the plug-in under test with its hooks; waitForEvent matches any field of the change', async () => {
    const seen: string[] = [];
    const plugin = definePlugin({
      name: 'upper',
      setup(api) {
        api.hooks.normalize.tap('upper', (m) => ({ ...m, parts: m.parts.map((p) => ({ ...p, data: Buffer.from(p.data.toString().toUpperCase()) })) }));
        api.hooks.sent.tap('upper', (entry) => void seen.push(entry.messageId));
      },
    });
    const link = scriptedConnection();
    gw = await startTestGateway({ plugins: [plugin, link] });
    const { id } = await gw.inject({ from: '+15550001', to: '+15550002', text: 'shout', direction: 'MT' });
    await gw.waitForEvent({ messageId: id, status: 'sent', target: { kind: 'connection', id: 'scripted' } });
    expect(link.sent[0]?.text).toBe('SHOUT');
    expect(seen).toEqual([id]);
  });

  it('names what it waited for and the last changes when the wait times out', async () => {
    gw = await startTestGateway({ plugins: [scriptedConnection()] });
    const { id } = await gw.inject({ from: '+15550001', to: '+15550002', text: 'x', direction: 'MT' });
    await expect(gw.waitForStatus(id, 'delivered', { timeoutMs: 300 })).rejects.toThrow(
      new RegExp(`waiting for a change .*${id}.*delivered.*last changes: .*${id} sent`),
    );
  });

  it('adds users while running, and removes its temp data dir on stop', async () => {
    gw = await startTestGateway();
    await gw.addUser('bob', { password: 'secret', recipients: ['+15550200'] });
    const { target } = await gw.inject({ from: '+15550999', to: '+15550200', text: 'to bob' });
    expect(target).toEqual({ kind: 'mailbox', user: 'bob' });
    const dir = gw.dataDir;
    expect(existsSync(path.join(dir, 'nowsms.db'))).toBe(true);
    await gw.stop();
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps a data dir it was given, for a restart test, and tells the port a server listens on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-kit-'));
    const users = [{ name: 'carol', password: 'pw', recipients: ['+15550300'] }];
    gw = await startTestGateway({ dataDir: dir, users });
    const { id } = await gw.inject({ from: '+15550999', to: '+15550300', text: 'kept' });
    await gw.stop();
    expect(existsSync(path.join(dir, 'nowsms.db'))).toBe(true);
    gw = await startTestGateway({ dataDir: dir, users, plugins: [smtp({ port: 0 })] });
    expect((await gw.message(id))?.status).toBe('in-mailbox');
    const greeting = await new Promise<string>((resolve, reject) => {
      const s = net.connect(gw!.port('smtp'), '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString());
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(greeting).toMatch(/^220 /);
    expect(() => gw!.port('nope')).toThrow(/does not listen/);
    await gw.stop();
    gw = undefined;
    expect(existsSync(dir)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a plug-in that fails setup, with its error', async () => {
    const broken = definePlugin({
      name: 'broken',
      setup() {
        throw new Error('broken setup');
      },
    });
    await expect(startTestGateway({ plugins: [broken] })).rejects.toThrow('broken setup');
  });
});

describe('startGatewayProcess', () => {
  it('starts nowsms from a config file, resolves once started, and stops it cleanly', async () => {
    const config = await writeConfig();
    const gwp = await startGatewayProcess({ config: config.file });
    expect(gwp.lines.some((l) => l.includes('gateway started'))).toBe(true);
    const inject = cli(['inject', '--config', config.file, '--from', '+15550001', '--to', '+15550002', '--text', 'hi', '--mt', '--json'], { cwd: config.dir });
    expect(inject.status).toBe(0);
    const { id } = JSON.parse(inject.stdout) as { id: string };
    // The running gateway committed it (the CLI asks it over the admin socket), and logged so.
    await gwp.waitForLine(new RegExp(`"id":"${id}".*"message accepted"`));
    expect(await gwp.stop()).toBe(0);
  });

  it('rejects with what the gateway printed when it cannot start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-kit-'));
    const file = path.join(dir, 'nowsms.config.ts');
    writeFileSync(
      file,
      `import { defineConfig } from ${JSON.stringify(path.join(ROOT, 'core/index.ts'))};\nexport default defineConfig({ dataDir: './data', plugins: [] });\n`,
    );
    await expect(startGatewayProcess({ config: file })).rejects.toThrow(/exited .*no store/s);
  });
});
