// Outcome rules in a real gateway (in-process, real SQLite, real sockets and processes): a program's exit
// statuses and timeout, httpErrors 'retry', out of attempts, a smarthost's 5xx, a long answer cut to the
// cap, an MMS posted as multipart with its parts, and a command whose local user is missing.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSms, type MessageSummary } from '../../../core/index.ts';
import { twoWay } from '../../../plugins/two-way/index.ts';
import { freePort } from '../../helpers/process.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { waitFor } from '../../helpers/wait.ts';
import { startReceiver, text, type Receiver } from './receiver.ts';

let gw: TestGateway;
let receiver: Receiver;
let sink: SMTPServer;
const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-two-way-'));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

async function outcome(id: string, statuses = ['sent', 'failed']): Promise<MessageSummary> {
  return waitFor(`message ${id} to finish`, async () => {
    const s = await gw.gateway.stores.messages.summary(id);
    return s && statuses.includes(s.status) ? s : undefined;
  });
}

/** The reply the gateway stored for a message (an MT from the two-way connection). */
async function replyTo(id: string): Promise<string | undefined> {
  const mts = await gw.gateway.stores.messages.list({ direction: 'MT', limit: 1000 });
  for (const m of mts) {
    const full = await gw.gateway.stores.messages.get(m.id);
    if ((full?.meta.twoWay as { replyTo?: string } | undefined)?.replyTo === id) return full!.parts[0]!.data.toString('utf8');
  }
  return undefined;
}

beforeAll(async () => {
  receiver = await startReceiver({
    '/teapot': (_c, res) => text(res, 'short and stout', 418),
    '/long': (_c, res) => text(res, 'x'.repeat(2000)),
    '/mms': (_c, res) => text(res, ''),
  });
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onRcptTo: (_a, _s, cb) => cb(Object.assign(new Error('no such mailbox'), { responseCode: 550 })),
  });
  const sinkPort = await freePort();
  await new Promise<void>((r) => sink.listen(sinkPort, '127.0.0.1', r));
  gw = await startTestGateway({
    smtp: false,
    pop3: false,
    plugins: [
      twoWay({
        retry: { maxAttempts: 2, firstDelaySeconds: 0.05, stepSeconds: 0.05 },
        replyMaxSegments: 2,
        smarthost: { host: '127.0.0.1', port: sinkPort },
        commands: [
          { keyword: 'FAIL', action: [script('fail.sh', 'echo "it broke: $1" >&2; exit 3'), '@@SMS@@'] },
          { keyword: 'TEMP', action: [script('temp.sh', 'exit 75')] },
          { keyword: 'SLEEP', action: [script('sleep.sh', 'exec sleep 30')], timeoutSeconds: 0.5 },
          { keyword: 'QUIET', action: [script('quiet.sh', 'echo not sent back')], reply: false },
          { keyword: 'TEAPOT', action: `${receiver.url}/teapot`, httpErrors: 'retry' },
          { keyword: 'LONG', action: `${receiver.url}/long` },
          { keyword: 'PIC', action: `${receiver.url}/mms`, method: 'POST', body: 'multipart', fields: { subject: '@@MMSSUBJECT@@', text: '@@MMSTEXT@@' } },
          { keyword: 'BOUNCE', action: 'mailto:nobody@example.org' },
          { keyword: 'GHOST', action: 'mailto:ghost@sms.localhost' },
        ],
      }),
    ],
  });
});

afterAll(async () => {
  await gw?.stop();
  await receiver?.stop();
  await new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
});

describe('outcomes', () => {
  it('a program that exits non-zero is final, with its status and stderr in the history', async () => {
    const s = await outcome(await gw.inject('+447700900201', '+15550001111', 'FAIL now'));
    expect(s.status).toBe('failed');
    expect(s.history.at(-1)!.detail).toMatch(/^attempt 1: .*fail\.sh: exit 3: it broke: now$/);
  });

  it('exit 75 is retried, and out of attempts it fails saying so', async () => {
    const s = await outcome(await gw.inject('+447700900202', '+15550001111', 'TEMP'));
    expect(s.history.map((h) => h.status)).toEqual(['received', 'retrying', 'failed']);
    expect(s.history.at(-1)!.detail).toMatch(/^attempt 2: .*temp\.sh: exit 75; out of attempts \(2\)$/);
  });

  it('a program past its timeout is killed and retried', async () => {
    const s = await outcome(await gw.inject('+447700900203', '+15550001111', 'SLEEP'));
    expect(s.history[1]!.detail).toMatch(/sleep\.sh: no exit within 0\.5 s \(killed\)/);
  });

  it('reply: false keeps stdout in nobody’s inbox: no answer is stored', async () => {
    const id = await gw.inject('+447700900204', '+15550001111', 'QUIET');
    expect((await outcome(id)).status).toBe('sent');
    expect(await replyTo(id)).toBeUndefined();
  });

  it("httpErrors: 'retry' retries an error status NowSMS would mark bad", async () => {
    const s = await outcome(await gw.inject('+447700900205', '+15550001111', 'TEAPOT'));
    expect(s.history.map((h) => h.status)).toEqual(['received', 'retrying', 'failed']);
    expect(receiver.to('/teapot')).toHaveLength(2);
  });

  it('a long answer is cut to replyMaxSegments', async () => {
    const id = await gw.inject('+447700900206', '+15550001111', 'LONG');
    await outcome(id);
    const reply = await waitFor('the reply', () => replyTo(id));
    expect(planSms(reply).segments).toHaveLength(2);
    expect(reply).toBe('x'.repeat(306));
  });

  it('an MMS is posted as multipart: subject and text as fields, each part as a file', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const [a] = await gw.gateway.submit([
      {
        direction: 'MO',
        kind: 'mms',
        from: '+447700900207',
        to: '+15550001111',
        subject: 'PIC of the day',
        via: 'test',
        parts: [
          { contentType: 'text/plain; charset=utf-8', data: Buffer.from('Look at this') },
          { contentType: 'image/jpeg', name: 'cat.jpg', data: jpeg },
        ],
      },
    ]);
    expect((await outcome(a!.id)).status).toBe('sent');
    const [call] = receiver.to('/mms');
    const form = await new Response(new Uint8Array(call!.body), { headers: { 'content-type': String(call!.headers['content-type']) } }).formData();
    expect(form.get('subject')).toBe('PIC of the day');
    expect(form.get('text')).toBe('Look at this');
    const file = form.get('part2') as File;
    expect(file.name).toBe('cat.jpg');
    expect(file.type).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(jpeg);
  });

  it("a smarthost's 5xx is final", async () => {
    const s = await outcome(await gw.inject('+447700900208', '+15550001111', 'BOUNCE'));
    expect(s.status).toBe('failed');
    expect(s.history.at(-1)!.detail).toMatch(/^attempt 1: mail to nobody@example\.org: 550 no such mailbox/);
  });

  it('mailto: a local user who does not exist is a temporary refusal naming the command, nothing stored', async () => {
    await expect(gw.inject('+447700900209', '+15550001111', 'GHOST')).rejects.toMatchObject({
      code: 'NOWSMS_ERR_REJECTED',
      temporary: true,
      message: expect.stringContaining('2-way command GHOST mails ghost, who is not a user'),
    });
    expect(await gw.gateway.stores.messages.list({ direction: 'MO', limit: 1000 }).then((l) => l.filter((m) => m.from === '+447700900209'))).toEqual([]);
  });
});
