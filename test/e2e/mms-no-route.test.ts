// An MMS by e-mail (an image attached, to <phone>@<MMS domain>) with only an SMSC connection: the gateway,
// started as a user starts it, keeps it as no-route and says why; the SMSC receives nothing (before
// connections declared what they carry, the SMSC got the text and the image was dropped). An SMS still goes.
import { execFile, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../helpers/peers.ts';
import { cli, startProcess, stopProcess, writeConfig } from '../helpers/process.ts';
import { SmscSimulator } from '../plugins/smpp/smsc-simulator/index.ts';

let gateway: ChildProcess | undefined;
let sim: SmscSimulator | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway);
  await sim?.stop();
  gateway = sim = undefined;
});

/** The smallest valid PNG: one transparent pixel. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
  'hex',
);

function swaks(port: number, to: string, ...extra: string[]): Promise<{ code: number; out: string }> {
  const args = ['--server', '127.0.0.1', '--port', String(port), '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'alice-pw'];
  return new Promise((resolve) => {
    execFile('swaks', [...args, '--from', 'alice@example.com', '--to', to, ...extra], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(missingPeer('swaks'))('an MMS with no MMS connection', () => {
  it('waits as no-route with the reason, the SMSC receives nothing of it, and an SMS still goes out', async () => {
    sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
    const config = await writeConfig({
      imports: { '{ smppClient }': 'plugins/smpp/index.ts' },
      keys: "users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true, recipients: ['+15550001111'] }],",
      plugins: [
        `smppClient({ id: 'smsc', host: '127.0.0.1', port: ${sim.port}, systemId: 'nowsms', password: 'secret', anyTraffic: true, reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 } })`,
      ],
    });
    gateway = (await startProcess(config)).child;
    await waitFor('the SMSC bind', () => sim!.bound.length === 1);

    const image = path.join(config.dir, 'photo.png');
    writeFileSync(image, PNG);
    const mms = await swaks(
      config.smtpPort,
      '447700900123@mms.localhost',
      '--header',
      'Subject: holiday',
      '--body',
      'a photo',
      '--attach-type',
      'image/png',
      '--attach',
      `@${image}`,
    );
    expect(mms.code, mms.out).toBe(0);
    expect(mms.out).toMatch(/<-\s+250 /);

    const sms = await swaks(config.smtpPort, '447700900124@sms.localhost', '--body', 'just text');
    expect(sms.code, sms.out).toBe(0);
    await waitFor('the SMS at the SMSC', () => sim!.messages().length === 1);
    const [sent] = sim.messages();
    expect(sent!.to).toBe('447700900124');
    // swaks adds a subject of its own, which the SMS carries before the body.
    expect(sent!.text).toMatch(/just text$/);

    const list = () =>
      JSON.parse(cli(['messages', 'list', '--json', '--config', config.file]).stdout) as {
        kind: string;
        status: string;
        history: { status: string; detail?: string }[];
      }[];
    const waiting = list().find((m) => m.kind === 'mms')!;
    expect(waiting.status).toBe('no-route');
    expect(waiting.history.at(-1)!.detail).toMatch(/carries MMS \(smsc carries text SMS, binary SMS, not MMS\): add a connection that carries MMS/);
    // The operator's view says it in words too, after the MMS's parts.
    expect(cli(['messages', 'list', '--config', config.file]).stdout).toMatch(
      /mms .*\+447700900123 no-route \[text\/plain \d+ B, image\/png 67 B, application\/smil \d+ B\] \(no connection that takes \+447700900123 carries MMS/,
    );

    // Nothing of the MMS reached the SMSC, even after the SMS went (same queue, same connection).
    expect(sim.submits).toHaveLength(1);
  }, 60_000);
});
