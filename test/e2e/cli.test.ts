// The CLI as an operator uses it: a real process, a real config file, a real database.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { cli, startProcess, stopProcess, writeConfig } from '../helpers/process.ts';
import { fetchAll } from '../helpers/pop3-fetch.ts';
import { missingPeer } from '../helpers/peers.ts';

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child) await stopProcess(child);
  child = undefined;
});

describe('nowsms CLI', () => {
  it('adds, lists, changes and removes users', async () => {
    const { file } = await writeConfig();
    const add = cli([
      'users',
      'add',
      'bob',
      '--password',
      'pw',
      '--smtp-login',
      '--recipients',
      '+1 555-000 1111,15550001112',
      '--full-name',
      'Bob Example',
      '--config',
      file,
    ]);
    expect(add.status).toBe(0);
    // The first command on a fresh config says where it put the store, so a missing NOWSMS_DATA_DIR shows.
    expect(add.stderr).toMatch(/data directory .*\/data does not exist yet; creating it/);
    expect(cli(['users', 'list', '--config', file]).stderr).toBe('');
    let users = JSON.parse(cli(['users', 'list', '--json', '--config', file]).stdout);
    expect(users).toEqual([
      expect.objectContaining({
        name: 'bob',
        fullName: 'Bob Example',
        smtpLogin: true,
        smppLogin: false,
        receive: true,
        recipients: ['+15550001111', '+15550001112'],
        apop: true,
      }),
    ]);
    expect(JSON.stringify(users)).not.toMatch(/pw|scrypt|gcm/);

    expect(cli(['users', 'set', 'bob', '--no-smtp-login', '--daily-limit', '100', '--config', file]).status).toBe(0);
    users = JSON.parse(cli(['users', 'list', '--json', '--config', file]).stdout);
    expect(users[0]).toMatchObject({ smtpLogin: false, dailyLimit: 100, fullName: 'Bob Example' });
    // Login rights to plug-ins' services, by name; "" takes them all away.
    expect(cli(['users', 'set', 'bob', '--rights', 'xmpp,mqtt', '--config', file]).status).toBe(0);
    expect(JSON.parse(cli(['users', 'list', '--json', '--config', file]).stdout)[0].rights).toEqual(['xmpp', 'mqtt']);
    expect(cli(['users', 'list', '--config', file]).stdout).toMatch(/^bob +xmpp,mqtt,receive /m);
    const bad = cli(['users', 'set', 'bob', '--rights', 'XMPP!', '--config', file]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/rights.*a service name: lower-case letters, digits and dashes/);
    expect(cli(['users', 'set', 'bob', '--rights', '', '--config', file]).status).toBe(0);
    expect(JSON.parse(cli(['users', 'list', '--json', '--config', file]).stdout)[0].rights).toBeUndefined();

    const dup = cli(['users', 'add', 'bob', '--password', 'x', '--config', file]);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/NOWSMS_ERR_USER: user bob already exists/);

    expect(cli(['users', 'remove', 'bob', '--config', file]).status).toBe(0);
    expect(JSON.parse(cli(['users', 'list', '--json', '--config', file]).stdout)).toEqual([]);
  });

  it.skipIf(missingPeer('curl'))('injects an MO message that a running gateway serves over POP3 at once', async () => {
    const config = await writeConfig();
    expect(cli(['users', 'add', 'bob', '--password', 'pw', '--smtp-login', '--recipients', '+15550001111', '--config', config.file]).status).toBe(0);
    child = (await startProcess(config)).child;
    const r = cli(['inject', '--from', '+447700900123', '--to', '15550001111', '--text', 'hello from the network', '--config', config.file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [mail] = await fetchAll(config.pop3Port, 'bob', 'pw');
    expect(mail!.text!.trim()).toBe('hello from the network');
    const list = JSON.parse(cli(['messages', 'list', '--json', '--config', config.file]).stdout);
    expect(list[0]).toMatchObject({ direction: 'MO', from: '+447700900123', to: '+15550001111', status: 'in-mailbox' });
  });

  it('refuses a bad config with the field named, and does not start', async () => {
    const config = await writeConfig();
    writeFileSync(
      config.file,
      `import { defineConfig } from ${JSON.stringify(path.resolve('core/index.ts'))};\nexport default defineConfig({ domains: { sms: 5 } } as never);\n`,
    );
    const r = cli(['start', '--config', config.file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/NOWSMS_ERR_CONFIG/);
    expect(r.stderr).toMatch(/domains\.sms/);
  });

  it('answers an unknown command with usage and exit code 2', () => {
    const r = cli(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command: frobnicate/);
  });

  it('status shows each connection with the options it was given, never a password', async () => {
    const config = await writeConfig({
      imports: { '{ smppClient }': 'plugins/smpp/index.ts', '{ gsmModem }': 'plugins/gsm-modem/index.ts' },
      plugins: [
        "smppClient({ id: 'smsc', host: '127.0.0.1', port: 9, systemId: 'acme', password: 'sm9f2pw', anyTraffic: true })",
        "gsmModem({ id: 'modem1', path: '/dev/nowsms-no-such-modem', pin: '4711' })",
      ],
    });
    child = (await startProcess(config)).child;
    const r = cli(['status', '--json', '--config', config.file]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.connections.smsc.options).toMatchObject({ host: '127.0.0.1', port: 9, systemId: 'acme', password: '(set)', anyTraffic: true });
    expect(s.connections.modem1.options).toMatchObject({ path: '/dev/nowsms-no-such-modem', pin: '(set)' });
    expect(s.connections.smtp.options).toMatchObject({ port: config.smtpPort });
    expect(r.stdout).not.toContain('sm9f2pw');
    expect(r.stdout).not.toContain('4711');
  });

  it("status reports a running gateway's connections, and says when none runs", async () => {
    const config = await writeConfig();
    const idle = cli(['status', '--json', '--config', config.file]);
    expect(idle.status).toBe(3);
    expect(JSON.parse(idle.stdout)).toEqual({ running: false });

    child = (await startProcess(config)).child;
    const r = cli(['status', '--json', '--config', config.file]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.running).toBe(true);
    expect(s.pid).toBe(child.pid);
    expect(s.connections.smtp).toMatchObject({ kind: 'smtp', state: 'up', listening: [`127.0.0.1:${config.smtpPort}`] });
    expect(s.connections.pop3).toMatchObject({ kind: 'pop3', state: 'up', listening: [`127.0.0.1:${config.pop3Port}`] });

    // No connection can send: the operator is told, and told how many messages wait because of it.
    expect(s).toMatchObject({ outbound: [], noRoute: 0 });
    expect(cli(['inject', '--mt', '--from', '+15550009999', '--to', '+447700900001', '--text', 'hi', '--config', config.file]).status).toBe(0);
    const human = cli(['status', '--config', config.file]).stdout;
    expect(human).toMatch(/no outbound connection: an MT message waits as no-route/);
    expect(human).toMatch(/1 MT message waiting with no route/);

    // A second gateway on the same data directory would fight over it: refused.
    const second = cli(['start', '--config', config.file]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/another gateway is running on this data directory/);
  });

  it('decodes and encodes SMS PDUs for an operator debugging a modem', () => {
    const d = cli(['pdu', 'decode', '07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37']);
    expect(d.status).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ type: 'deliver', text: 'hellohello', serviceCentreTimestamp: { iso: '1999-03-29T15:16:59+02:00' } });
    const e = cli(['pdu', 'encode', '--to', '+447700900123', '--text', 'x'.repeat(200)]);
    expect(e.status).toBe(0);
    const pdus = JSON.parse(e.stdout) as { pdu: string }[];
    expect(pdus).toHaveLength(2);
    const back = pdus.map((p) => JSON.parse(cli(['pdu', 'decode', p.pdu, '--mo']).stdout) as { text: string; destination: { number: string } });
    expect(back.map((b) => b.text).join('')).toBe('x'.repeat(200));
    expect(back[0]!.destination.number).toBe('+447700900123');
    // What a phone sends decodes without being told its direction.
    const submit = cli(['pdu', 'decode', pdus[0]!.pdu]);
    expect(submit.status, submit.stderr).toBe(0);
    expect(JSON.parse(submit.stdout)).toMatchObject({ type: 'submit', destination: { number: '+447700900123' } });
    // A TP-MTI this codec decodes in neither direction names the CLI's flags, not the API's options.
    const reserved = cli(['pdu', 'decode', '0003000B915155001011F1000002E834']);
    expect(reserved.status).toBe(1);
    expect(reserved.stderr).toMatch(/TP-MTI .* is 3/);
    const report = cli(['pdu', 'decode', '0001000B915155001011F1000002E834', '--mt']);
    expect(report.stderr).toMatch(/pass --mo/);
    expect(report.stderr).not.toMatch(/direction:/);
    const bad = cli(['pdu', 'decode', '07917283010010F5040BC872388809']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/NOWSMS_ERR_PDU/);
  });
});
