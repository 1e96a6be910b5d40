// The gateway as a user starts it (`nowsms start --config`), its MMSC given as NOWSMS_MMSC_URL: alice's
// e-mail with a picture to <phone>@<MMS domain> reaches the MMSC as an MM7 SubmitReq in the URL's schema
// release, with "(FM: alice)" in its subject and the picture byte for byte; `nowsms messages list` shows it
// sent, and the MMSC's MessageID finds it.
import { execFile, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../../helpers/peers.ts';
import { cli, startProcess, stopProcess, writeConfig } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/wait.ts';
import { TestMmsc } from './test-mmsc.ts';

let gateway: ChildProcess | undefined;
let mmsc: TestMmsc | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway);
  await mmsc?.stop();
  gateway = mmsc = undefined;
});

// A JPEG-like file with every byte value.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i)), Buffer.from([0xff, 0xd9])]);

function swaks(port: number, to: string, ...extra: string[]): Promise<{ code: number; out: string }> {
  const args = ['--server', '127.0.0.1', '--port', String(port), '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'alice-pw'];
  return new Promise((resolve) => {
    execFile('swaks', [...args, '--from', 'alice@example.com', '--to', to, ...extra], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe.skipIf(missingPeer('swaks'))('mm7Client in the gateway process', () => {
  it('an e-mail MMS reaches the MMSC as a SubmitReq with "(FM: alice)", the picture intact, and is listed as sent', async () => {
    mmsc = await TestMmsc.start();
    const config = await writeConfig({
      imports: { '{ mm7Client, parseMmscUrl }': 'plugins/mmsc-vasp/index.ts' },
      keys: `users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true, recipients: ['+15550001111'] }],
  retry: { maxAttempts: 20, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 },`,
      plugins: [`mm7Client({ ...parseMmscUrl(process.env.NOWSMS_MMSC_URL!), anyTraffic: true, embedSenderInSubject: true })`],
    });
    const port = new URL(mmsc.url).port;
    // The CLI loads the same config: it needs the variable too.
    const env = { ...process.env, NOWSMS_MMSC_URL: `http://vasp-7:s3cret@127.0.0.1:${port}/mm7?vasid=V7&servicecode=S7&version=REL-5-MM7-1-3` };
    gateway = (await startProcess(config, { env })).child;

    const image = path.join(config.dir, 'photo.jpg');
    writeFileSync(image, JPEG);
    const sent = await swaks(
      config.smtpPort,
      '447700900123@mms.localhost',
      '--header',
      'Subject: Holiday',
      '--body',
      'a photo',
      '--attach-type',
      'image/jpeg',
      '--attach',
      `@${image}`,
    );
    expect(sent.code, sent.out).toBe(0);

    const { req, headers, version } = await waitFor('the SubmitReq at the MMSC', () => mmsc!.received[0]);
    expect(version).toBe('REL-5-MM7-1-3');
    expect(headers.authorization).toBe(`Basic ${Buffer.from('vasp-7:s3cret').toString('base64')}`);
    expect(req).toMatchObject({
      vaspId: 'vasp-7',
      vasId: 'V7',
      serviceCode: 'S7',
      sender: { kind: 'number', value: '15550001111' },
      recipients: { to: [{ kind: 'number', value: '447700900123' }] },
      subject: 'Holiday (FM: alice)',
      deliveryReport: true,
    });
    const picture = req.content.find((p) => p.contentType.startsWith('image/jpeg'));
    expect(picture && Buffer.compare(picture.data, JPEG)).toBe(0);

    type Listed = { id: string; kind: string; status: string };
    const listed = await waitFor('listed as sent', () => {
      const all = JSON.parse(cli(['messages', 'list', '--json', '--config', config.file], { env }).stdout) as Listed[];
      return all.find((m) => m.kind === 'mms' && m.status === 'sent');
    });
    expect(listed.id).toBe(req.transactionId);
  }, 60_000);
});
