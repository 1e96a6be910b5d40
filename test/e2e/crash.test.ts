// kill -9 right after SMTP 250: the message must be in the mailbox after restart.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { cli, startProcess, stopProcess, writeConfig } from '../helpers/process.ts';
import { fetchAll } from '../helpers/pop3-fetch.ts';
import { missingPeer } from '../helpers/peers.ts';

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child) await stopProcess(child, 'SIGKILL');
  child = undefined;
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
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: config.smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'alice', pass: 'alice-pw' },
    });
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
});
