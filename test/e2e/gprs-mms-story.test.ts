// The seed's first way to receive MMS, with the example config started as `npm start` starts it: a modem
// (the socat modem simulator) whose MMS side is on. A phone's MMS is announced by a WAP push SMS (two
// segments); the gateway fetches it from the MMSC simulator through the WAP proxy simulator with a
// handset's headers, acknowledges it, and it lands in alice's POP3 mailbox (curl) with the picture —
// not in bob's, who gets what the modem receives as SMS. alice's e-mail (swaks) to a phone goes out as an
// m-send-req with her parts byte for byte, and the MMSC's m-delivery-ind push marks it delivered.
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
import { HttpProxy, Mm1Mmsc } from '../plugins/gprs-mms/mm1-simulator/index.ts';
import { siPush } from '../plugins/gprs-mms/push-pdus.ts';
import { cleanup, modemRig, onCleanup } from '../plugins/gsm-modem/rig.ts';
import { encodeDeliver } from '../../core/index.ts';

const JPEG = readFileSync(path.join(ROOT, 'test/fixtures/photo.jpg'));
const AMR = readFileSync(path.join(ROOT, 'test/fixtures/voice.amr'));
const bare = (type: string) => type.split(';')[0]!.trim().toLowerCase();

let gateway: ChildProcess | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway);
  gateway = undefined;
  await cleanup();
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

describe.skipIf(missingPeer('socat') || missingPeer('swaks') || missingPeer('curl'))('MMS like a phone: a modem with its MMS side on (MM1)', () => {
  it("fetches an MMS announced by push into alice's mailbox, and sends her e-mail as an m-send-req that is reported delivered", async () => {
    const mmsc = await Mm1Mmsc.start();
    onCleanup(() => mmsc.stop());
    const proxy = await HttpProxy.start();
    onCleanup(() => proxy.stop());
    const rig = await modemRig();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-gprs-mms-'));
    const [smtpPort, pop3Port, smppPort] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NOWSMS_DATA_DIR: dataDir,
      NOWSMS_SMTP_PORT: String(smtpPort),
      NOWSMS_POP3_PORT: String(pop3Port),
      NOWSMS_SMPP_PORT: String(smppPort),
      NOWSMS_HTTP_PORT: String(await freePort()),
      NOWSMS_MODEM: rig.pair.gatewayPath,
      NOWSMS_MODEM_NUMBER: '+15550001111',
      NOWSMS_MODEM_ROUTE_TO: 'bob',
      NOWSMS_MMS_MMSC_URL: mmsc.url,
      NOWSMS_MMS_PROXY: proxy.hostPort,
      NOWSMS_MMS_ROUTE_TO: 'alice',
      NOWSMS_LOG_LEVEL: 'info',
    };
    for (const k of [
      'NOWSMS_SMSC_URL',
      'NOWSMS_MMSC_URL',
      'NOWSMS_MM7_ACCOUNTS',
      'NOWSMS_MM7_PORT',
      'NOWSMS_MMS_MODEM',
      'NOWSMS_MODEM_PIN',
      'NOWSMS_TLS_KEY',
      'NOWSMS_TLS_CERT',
      'NOWSMS_BIND',
    ])
      delete env[k];
    for (const [name, number] of [
      ['alice', '+15550002222'],
      ['bob', '+15550003333'],
    ] as const) {
      const add = cli(['users', 'add', name, '--password', `${name}-pw`, '--smtp-login', '--recipients', number], { env });
      expect(add.status, add.stderr).toBe(0);
    }
    gateway = (await startProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env })).child;
    const listed = () => JSON.parse(cli(['messages', 'list', '--json'], { env }).stdout) as MessageSummary[];

    // A phone sends the modem's number a picture with a line of text; the MMSC holds it and pushes a notification.
    const held = mmsc.hold({
      from: '+4790000001',
      to: '+15550001111',
      subject: 'Beach',
      parts: [
        { contentType: 'text/plain; charset=utf-8', contentId: 'text', name: 'text.txt', data: Buffer.from('Sun and sand ☀') },
        { contentType: 'image/jpeg', contentId: 'photo', name: 'beach.jpg', data: JPEG },
      ],
    });
    // A long Content-Location makes the push two SMS.
    const sms = mmsc.pushSms(held.notification);
    for (const p of sms.pdus.reverse()) rig.sim.deliverPdu(p.pdu);
    // A push for another application (a Service Indication) is ignored: in nobody's mailbox.
    const [si] = encodeDeliver({ from: '+6245', data: siPush(), ports: { source: 9200, destination: 2948 } });
    rig.sim.deliverPdu(si!.pdu);

    const [resp] = await mmsc.waitForNotifyResps(1);
    expect(resp).toMatchObject({ messageType: 'm-notifyresp-ind', transactionId: held.transactionId, status: 'retrieved' });
    expect(held.retrievals).toBe(1);
    const get = mmsc.requests.find((r) => r.method === 'GET')!;
    expect(get.viaProxy).toBe(true);
    expect(get.userAgent).toBeTruthy();
    expect(get.wapProfile).toBeTruthy();
    expect(String(get.headers.accept)).toContain('application/vnd.wap.mms-message');
    expect(proxy.log.find((l) => l.method === 'GET')).toMatchObject({ absolute: true, url: held.contentLocation });

    const listing = await waitFor("the MMS in alice's mailbox", async () => {
      const l = await curlPop3(pop3Port, 'alice', 'alice-pw');
      return l.trim() ? l : undefined;
    });
    expect(listing.trim().split(/\r?\n/)).toHaveLength(1);
    const mail = await simpleParser(await curlPop3(pop3Port, 'alice', 'alice-pw', '1'));
    expect(mail.from?.value[0]?.address).toBe('+4790000001@mms.localhost');
    expect(mail.subject).toBe('Beach');
    expect(mail.text?.trim()).toBe('Sun and sand ☀');
    const pictures = mail.attachments.filter((a) => a.contentType === 'image/jpeg');
    expect(pictures).toHaveLength(1);
    expect(pictures[0]!.filename).toBe('beach.jpg');
    expect(pictures[0]!.content.equals(JPEG)).toBe(true);
    // Neither push went to bob (the modem's routeTo) or anywhere else as a message of its own.
    expect((await curlPop3(pop3Port, 'bob', 'bob-pw')).trim()).toBe('');
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0);
    const pushes = listed().filter((m) => m.kind === 'sms' && m.direction === 'MO');
    expect(pushes).toHaveLength(2);
    expect(pushes.every((m) => m.status === 'sent' && m.target?.kind === 'connection' && m.target.id === 'modem1-mms')).toBe(true);

    // alice mails a phone a photo and a voice note.
    const sent = await swaks(smtpPort, [
      '--to',
      '4790000003@mms.localhost',
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
    const [req] = await mmsc.waitForSent(1);
    expect(req!.fromInsertAddress).toBe(true);
    expect(req!.to.map((a) => a.raw)).toEqual(['+4790000003/TYPE=PLMN']);
    expect(req!.subject).toBe('Holiday (FM: alice)');
    expect(
      req!.parts
        .find((p) => bare(p.contentType) === 'text/plain')
        ?.data.toString('utf8')
        .trim(),
    ).toBe('Greetings from the beach!');
    expect(req!.parts.find((p) => bare(p.contentType) === 'image/jpeg')?.data.equals(JPEG)).toBe(true);
    expect(req!.parts.find((p) => bare(p.contentType) === 'audio/amr')?.data.equals(AMR)).toBe(true);
    expect(req!.messageId).toBeTruthy();

    // The phone fetched it; the MMSC's delivery report comes as a push too.
    for (const p of mmsc.deliveryInd(req!.messageId!, '+4790000003', 'retrieved').pdus) rig.sim.deliverPdu(p.pdu);
    const mt = await waitFor('the MMS delivered', () => listed().find((m) => m.direction === 'MT' && m.status === 'delivered'));
    expect(mt.kind).toBe('mms');
    expect(mt.target).toEqual({ kind: 'connection', id: 'modem1-mms' });
  });
});
