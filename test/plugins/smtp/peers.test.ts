// Real SMTP clients nobody here wrote: swaks and msmtp (Debian packages, see PEERS.md).
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { stored } from './client.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ pop3: false, users: [{ name: 'alice', password: 'alice-pw', recipients: ['+15550009999'] }] });
});

afterAll(async () => {
  await gw?.stop();
});

function run(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 30_000, env: { ...process.env, HOME: '/nonexistent' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

const swaks = (...extra: string[]) =>
  run('swaks', [
    '--server',
    '127.0.0.1',
    '--port',
    String(gw.smtpPort),
    '--auth',
    'PLAIN',
    '--auth-user',
    'alice',
    '--auth-password',
    'alice-pw',
    '--from',
    'alice@example.com',
    '--header',
    'Subject: ',
    ...extra,
  ]);

describe('swaks', () => {
  it.skipIf(missingPeer('swaks'))('delivers an SMS, to numbers with and without +', async () => {
    // swaks takes a --to value starting with + for an option: it goes second in a comma list.
    const r = await swaks('--to', '15550001111@sms.localhost,+15550002222@sms.localhost', '--body', 'hi from swaks');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => /<-\s+250 2\.6\.0 accepted/.test(l))!;
    const ms = await stored(gw, line.replace(/^.*?<-\s+/, ''));
    expect(ms.map((m) => m.to).sort()).toEqual(['+15550001111', '+15550002222']);
    expect(ms.map((m) => m.text)).toEqual(['hi from swaks', 'hi from swaks']);
  });

  it.skipIf(missingPeer('swaks'))('shows the user why a relay is refused', async () => {
    const r = await swaks('--to', 'someone@example.com', '--body', 'relay?');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/<\*\*\s+550 5\.7\.1 relaying denied/);
  });

  it.skipIf(missingPeer('swaks'))('shows the user the segment limit', async () => {
    const r = await swaks('--to', '15550001111@sms.localhost', '--body', 'b'.repeat(1600));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/<\*\*\s+552 5\.3\.4 .*limit is 10/);
  });
});

describe('msmtp', () => {
  it.skipIf(missingPeer('msmtp'))('delivers an SMS read from standard input', async () => {
    const r = await run(
      'msmtp',
      [
        '--file=/dev/null',
        '--host=127.0.0.1',
        `--port=${gw.smtpPort}`,
        '--tls=off',
        '--auth=plain',
        '--user=alice',
        '--passwordeval=echo alice-pw',
        '--from=alice@example.com',
        '--debug',
        '+15550003333@sms.localhost',
      ],
      'Subject: from msmtp\n\nhello via msmtp\n',
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const line = (r.stdout + r.stderr).split('\n').find((l) => /250 2\.6\.0 accepted/.test(l))!;
    const [m] = await stored(gw, line.replace(/^.*?(250 )/, '$1'));
    expect(m).toMatchObject({ to: '+15550003333', text: 'from msmtp\nhello via msmtp' });
  });
});
