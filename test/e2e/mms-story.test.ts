// The story, with the example config started as `npm start` starts it: Alice mails a photo and a
// voice note to a phone; the gateway sends them to the operator's MMSC as an MM7 SubmitReq carrying
// "(FM: alice)"; the MMSC's delivery report marks it delivered; the phone's reply comes back as a
// DeliverReq that kept the marker and lands in Alice's POP3 mailbox, picture attached, marker gone.
// The MMSC is the simulator written from TS 23.140 (not the product's codec), the mail client is swaks,
// the POP3 client curl.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../core/index.ts';
import { missingPeer } from '../helpers/peers.ts';
import { curlPop3 } from '../helpers/pop3-fetch.ts';
import { cli, freePort, ROOT, startProcess, stopProcess } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, deliveryReport, MmscSimulator } from '../plugins/mmsc-vasp/mmsc-simulator/index.ts';

const JPEG = readFileSync(path.join(ROOT, 'test/fixtures/photo.jpg'));
const AMR = readFileSync(path.join(ROOT, 'test/fixtures/voice.amr'));

let gateway: ChildProcess | undefined;
let sim: MmscSimulator | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway);
  await sim?.stop();
  gateway = sim = undefined;
});

function swaks(port: number, args: string[]): Promise<{ code: number; out: string }> {
  const base = ['--server', '127.0.0.1', '--port', String(port), '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'alice-pw'];
  return new Promise((resolve) => {
    execFile(
      'swaks',
      [...base, '--from', 'alice@example.com', ...args],
      { timeout: 60_000, env: { ...process.env, HOME: '/nonexistent' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const bare = (type: string) => type.split(';')[0]!.trim().toLowerCase();

describe.skipIf(missingPeer('swaks') || missingPeer('curl'))('MMS by e-mail through an operator MMSC over MM7, and the reply back', () => {
  it('sends the photo and voice note byte for byte with "(FM: alice)", is reported delivered, and the reply reaches alice without the marker', async () => {
    sim = await MmscSimulator.start({ vaspId: 'acme-vasp', password: 'vasp-pw' });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-mms-story-'));
    const [smtpPort, pop3Port, smppPort, mm7Port] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NOWSMS_DATA_DIR: dataDir,
      NOWSMS_SMTP_PORT: String(smtpPort),
      NOWSMS_POP3_PORT: String(pop3Port),
      NOWSMS_SMPP_PORT: String(smppPort),
      NOWSMS_HTTP_PORT: String(await freePort()),
      NOWSMS_MM7_PORT: String(mm7Port),
      // The operator's MMSC logs in to deliver; what it delivers goes to bob unless a marker says otherwise.
      NOWSMS_MM7_ACCOUNTS: 'operator:op-secret:bob',
      NOWSMS_MMSC_URL: sim.mmscUrl({ vasid: 'acme', servicecode: 'photo' }),
      NOWSMS_LOG_LEVEL: 'info',
    };
    for (const k of ['NOWSMS_SMSC_URL', 'NOWSMS_MODEM', 'NOWSMS_TLS_KEY', 'NOWSMS_TLS_CERT', 'NOWSMS_BIND']) delete env[k];
    for (const [name, number] of [
      ['alice', '+15550002222'],
      ['bob', '+15550001111'],
    ] as const) {
      const add = cli(['users', 'add', name, '--password', `${name}-pw`, '--smtp-login', '--recipients', number], { env });
      expect(add.status, add.stderr).toBe(0);
    }
    gateway = (await startProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env })).child;

    // Alice, in her mail client: a subject, a line of text, a photo and a voice note, to the phone's MMS address.
    const sent = await swaks(smtpPort, [
      '--to',
      '447700900123@mms.localhost',
      '--header',
      'Subject: Holiday',
      '--body',
      'Greetings from the beach!',
      '--attach-type',
      'image/jpeg',
      '--attach-name',
      'photo.jpg',
      '--attach',
      `@${path.join(ROOT, 'test/fixtures/photo.jpg')}`,
      '--attach-type',
      'audio/amr',
      '--attach-name',
      'voice.amr',
      '--attach',
      `@${path.join(ROOT, 'test/fixtures/voice.amr')}`,
    ]);
    expect(sent.out).toMatch(/<- {2}250 2\.6\.0 accepted as \S+/);

    const [submission] = await sim.waitForSubmissions(1);
    expect(sim.rejected).toEqual([]);
    expect(submission!.warnings).toEqual([]);
    expect(submission!.vaspId).toBe('acme-vasp');
    expect(submission!.vasId).toBe('acme');
    expect(submission!.serviceCode).toBe('photo');
    expect(submission!.to.map((a) => a.value.replace(/^\+/, ''))).toEqual(['447700900123']);
    expect(submission!.subject).toBe('Holiday (FM: alice)');
    const parts = submission!.parts;
    const text = parts.find((p) => bare(p.contentType) === 'text/plain');
    expect(text?.data.toString('utf8').trim()).toBe('Greetings from the beach!');
    expect(parts.find((p) => bare(p.contentType) === 'image/jpeg')?.data.equals(JPEG)).toBe(true);
    expect(parts.find((p) => bare(p.contentType) === 'audio/amr')?.data.equals(AMR)).toBe(true);
    // A presentation the phone can lay out, pointing at both media parts.
    const smil = parts.find((p) => bare(p.contentType) === 'application/smil')?.data.toString('utf8') ?? '';
    for (const media of parts.filter((p) => /^(image|audio)\//.test(p.contentType))) expect(smil).toContain(`cid:${media.contentId}`);

    // The MMSC reports it retrieved by the phone.
    const report = await deliveryReport(`http://127.0.0.1:${mm7Port}/mm7`, {
      user: 'operator',
      password: 'op-secret',
      messageId: submission!.messageId!,
      recipient: '+447700900123',
      sender: '+15550002222',
      mmStatus: 'Retrieved',
    });
    expect(report.statusCode).toBe(1000);
    const listed = () => JSON.parse(cli(['messages', 'list', '--json'], { env }).stdout) as MessageSummary[];
    const mt = await waitFor('the MMS delivered', () => listed().find((m) => m.direction === 'MT' && m.status === 'delivered'));
    expect(mt.kind).toBe('mms');
    expect(mt.parts.map((p) => bare(p.contentType)).sort()).toEqual(['application/smil', 'audio/amr', 'image/jpeg', 'text/plain']);
    expect(mt.parts.find((p) => bare(p.contentType) === 'image/jpeg')!.size).toBe(JPEG.length);

    // The phone replies; its MMS client kept the subject.
    const photoBack = Buffer.concat([JPEG.subarray(0, -2), Buffer.from([0x00, 0xff, 0xd9])]);
    const answer = await deliver(`http://127.0.0.1:${mm7Port}/mm7`, {
      user: 'operator',
      password: 'op-secret',
      from: '+447700900123',
      to: ['+15550002222'],
      subject: `Re: ${submission!.subject}`,
      smil: true,
      parts: [
        { contentType: 'text/plain; charset=utf-8', contentId: 'reply-text', data: Buffer.from('Lovely! Here is mine.') },
        { contentType: 'image/jpeg', contentId: 'reply-photo', name: 'mine.jpg', data: photoBack },
      ],
    });
    expect(answer.statusCode).toBe(1000);

    const listing = await waitFor("the reply in alice's mailbox", async () => {
      const l = await curlPop3(pop3Port, 'alice', 'alice-pw');
      return l.trim() ? l : undefined;
    });
    expect(listing.trim().split(/\r?\n/)).toHaveLength(1);
    const mail = await simpleParser(await curlPop3(pop3Port, 'alice', 'alice-pw', '1'));
    expect(mail.from?.value[0]?.address).toBe('+447700900123@mms.localhost');
    expect(mail.subject).toBe('Re: Holiday');
    expect(mail.text?.trim()).toBe('Lovely! Here is mine.');
    const attached = mail.attachments.filter((a) => a.contentType !== 'application/smil');
    expect(attached).toHaveLength(1);
    expect(attached[0]!.filename).toBe('mine.jpg');
    expect(attached[0]!.content.equals(photoBack)).toBe(true);
    // Not bob's, although everything else the operator delivers goes to him.
    expect((await curlPop3(pop3Port, 'bob', 'bob-pw')).trim()).toBe('');
  });
});
