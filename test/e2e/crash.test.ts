// kill -9 right after SMTP 250: the message must be in the mailbox after restart; kill -9 while the SMSC
// has a message and has not answered: it is sent after restart.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { cli, startProcess, stopProcess, writeConfig } from '../helpers/process.ts';
import { fetchAll } from '../helpers/pop3-fetch.ts';
import { missingPeer } from '../helpers/peers.ts';
import { waitFor } from '../helpers/wait.ts';
import { SmscSimulator } from '../plugins/smpp/smsc-simulator/index.ts';

/** SMTP as user alice, her password alice-pw. */
const aliceSmtp = (port: number) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth: { user: 'alice', pass: 'alice-pw' } });

let child: ChildProcess | undefined;
let sim: SmscSimulator | undefined;
afterEach(async () => {
  if (child) await stopProcess(child, 'SIGKILL');
  child = undefined;
  await sim?.stop();
  sim = undefined;
});

describe.skipIf(missingPeer('curl'))('durability', () => {
  it('a message acknowledged with 250 survives kill -9 of the gateway', async () => {
    const config = await writeConfig();
    for (const [name, recipients] of [
      ['alice', '+15550002222'],
      ['bob', '+15550001111'],
    ]) {
      const r = cli(['users', 'add', name!, '--password', `${name}-pw`, '--smtp-login', '--recipients', recipients!, '--config', config.file]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/NOWSMS_ERR|Error/);
    }
    child = (await startProcess(config)).child;
    const transport = aliceSmtp(config.smtpPort);
    const texts = Array.from({ length: 5 }, (_, i) => `message ${i} before the crash`);
    for (const text of texts) {
      const info = await transport.sendMail({ from: 'alice@example.org', to: '15550001111@sms.localhost', text });
      expect(info.response).toMatch(/^250/);
    }
    // Straight after the last 250, with no chance to flush anything more.
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    child = (await startProcess(config)).child;
    const mails = await fetchAll(config.pop3Port, 'bob', 'bob-pw');
    expect(mails.map((m) => m.text!.trim())).toEqual(texts);
  });

  it('a message the SMSC had not answered when the gateway was killed is sent after restart', async () => {
    sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
    const config = await writeConfig({
      imports: { '{ smppClient }': 'plugins/smpp/index.ts' },
      plugins: [
        `smppClient({ id: 'smsc', host: '127.0.0.1', port: ${sim.port}, systemId: 'nowsms', password: 'secret', anyTraffic: true, reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 } })`,
      ],
    });
    expect(cli(['users', 'add', 'alice', '--password', 'alice-pw', '--smtp-login', '--recipients', '+15550002222', '--config', config.file]).status).toBe(0);
    child = (await startProcess(config)).child;
    await waitFor('bound to the SMSC', () => sim!.bound.length === 1);
    // The SMSC takes the first submit_sm and never answers it.
    sim.failNextSubmits('ignore');
    const transport = aliceSmtp(config.smtpPort);
    const info = await transport.sendMail({ from: 'alice@example.org', to: '15550001111@sms.localhost', text: 'in flight at the crash' });
    expect(info.response).toMatch(/^250/);
    await waitFor('the SMSC holding the message', () => sim!.submits.length === 1);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    child = (await startProcess(config)).child;
    await waitFor('the message sent again and accepted', () => sim!.submits.some((s) => s.messageId !== undefined), 30_000);
    expect(sim.submits.map((s) => [s.view.text, s.messageId !== undefined])).toEqual([
      ['in flight at the crash', false],
      ['in flight at the crash', true],
    ]);
  }, 60_000);
});
