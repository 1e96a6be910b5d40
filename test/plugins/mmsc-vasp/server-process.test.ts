// The inbound MM7 endpoint in the gateway as a user starts it (`nowsms start --config`): an MMSC's
// DeliverReq reaches the routeTo user's POP3 mailbox byte for byte, failed logins give the fail2ban line,
// and a kill -9 between the commit and the answer loses nothing and stores nothing twice.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../../helpers/peers.ts';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { cli, freePort, ROOT, startProcess, stopProcess, writeConfig, type ConfigFile } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/wait.ts';
import { curlMm7, deliverReq, statusCode, vectorRequest } from './mm7-http.ts';

let gateway: ChildProcess | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway, 'SIGKILL');
  gateway = undefined;
});

const IMAGE = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i))]);

/**
 * A test-only plug-in written into the test's config: it taps the store's commit and kills the process
 * (SIGKILL, nothing runs after it) right after the first commit of an MM7 message, before the pipeline
 * returns, so the answer never leaves. The marker file makes it do so once.
 */
function killerPreamble(marker: string): string {
  return `
const killAfterCommit = definePlugin({
  name: 'test-kill-after-commit',
  setup(api) {
    api.connection({
      id: 'test-killer',
      kind: 'test',
      async start(ctx) {
        const messages = ctx.stores.messages;
        const commit = messages.commit.bind(messages);
        messages.commit = async (items, charge) => {
          const done = await commit(items, charge);
          if (items.some((i) => i.message.via?.startsWith('mm7:')) && !existsSync(${JSON.stringify(marker)})) {
            writeFileSync(${JSON.stringify(marker)}, 'killed');
            process.kill(process.pid, 'SIGKILL');
          }
          return done;
        };
      },
      async stop() {},
      status: () => ({ state: 'up', counters: {} }),
    });
  },
});
`;
}

async function config(port: number, opts: { killer?: string } = {}): Promise<ConfigFile> {
  return writeConfig({
    imports: {
      '{ mm7Server }': 'plugins/mmsc-vasp/index.ts',
      ...(opts.killer ? { '{ definePlugin }': 'core/index.ts', '{ existsSync, writeFileSync }': 'node:fs' } : {}),
    },
    keys: "users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true }],",
    ...(opts.killer ? { preamble: killerPreamble(opts.killer) } : {}),
    plugins: [
      `mm7Server({ port: ${port}, accounts: [{ name: 'mmsc', password: 'mmsc-secret', routeTo: 'alice' }] })`,
      ...(opts.killer ? ['killAfterCommit'] : []),
    ],
  });
}

type Listed = { id: string; kind: string; direction: string; via?: string; status: string };
const list = (c: ConfigFile) => JSON.parse(cli(['messages', 'list', '--json', '--config', c.file]).stdout) as Listed[];

describe.skipIf(missingPeer('curl'))('the inbound MM7 endpoint in a gateway process', () => {
  it('delivers an MMSC DeliverReq to the routeTo user, whose POP3 client gets the picture byte for byte', async () => {
    const port = await freePort();
    const c = await config(port);
    const started = await startProcess(c);
    gateway = started.child;
    const answer = await curlMm7(
      port,
      deliverReq({
        transactionId: 'p-1',
        messageId: 'mmsc-p-1',
        sender: '+447700900123',
        to: ['+15550001111'],
        subject: 'from the beach',
        parts: [
          { contentType: 'text/plain; charset=utf-8', contentId: 't1', data: Buffer.from('Greetings from the beach') },
          { contentType: 'image/jpeg', contentId: 'i1', name: 'beach.jpg', data: IMAGE },
        ],
      }),
      { auth: ['mmsc', 'mmsc-secret'] },
    );
    expect(answer.status, answer.body).toBe(200);
    expect(statusCode(answer.body)).toBe(1000);

    const [m] = list(c);
    expect(m).toMatchObject({ kind: 'mms', direction: 'MO', via: 'mm7:mmsc', status: 'in-mailbox' });
    const [mail] = await fetchAll(c.pop3Port, 'alice', 'alice-pw');
    expect(mail!.subject).toMatch(/from the beach/);
    expect(mail!.text).toMatch(/Greetings from the beach/);
    const photo = mail!.attachments.find((a) => a.contentType === 'image/jpeg')!;
    expect(photo.content.equals(IMAGE)).toBe(true);

    // The operator sees the endpoint among the connections, with what it took in.
    const status = JSON.parse(cli(['status', '--json', '--config', c.file]).stdout) as {
      connections: Record<string, { kind: string; state: string; counters: Record<string, number> }>;
    };
    expect(status.connections['mm7-server']).toMatchObject({ kind: 'mm7-server', state: 'up', counters: { requests: 1, delivered: 1 } });

    // A wrong password is refused and leaves the line fail2ban reads.
    const wrong = await curlMm7(port, vectorRequest('sinch_mm7_deliver_3.http'), { auth: ['mmsc', 'guess'] });
    expect(wrong.status).toBe(401);
    await waitFor('the fail2ban line', () => started.lines.some((l) => l.includes('authentication failed for user mmsc from 127.0.0.1 (mm7)')));
    expect(started.lines.join('\n')).not.toContain('guess');
    expect(list(c)).toHaveLength(1);
  }, 90_000);

  it('answers 1000 once after a kill -9 between the commit and the answer, and stores the MMS once', async () => {
    const port = await freePort();
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'nowsms-kill-')), 'killed');
    const c = await config(port, { killer: marker });
    gateway = (await startProcess(c)).child;
    const exited = new Promise((r) => gateway!.once('exit', r));
    const req = vectorRequest('sinch_mm7_deliver_3.http');

    const lost = await curlMm7(port, req, { auth: ['mmsc', 'mmsc-secret'] });
    await exited;
    expect(existsSync(marker)).toBe(true);
    // The MMSC got no answer: for it the DeliverReq failed, and it will send it again.
    expect(lost.status).toBe(0);
    expect(lost.body).not.toMatch(/DeliverRsp/);

    gateway = (await startProcess(c)).child;
    expect(list(c)).toHaveLength(1);
    const again = await curlMm7(port, req, { auth: ['mmsc', 'mmsc-secret'] });
    expect(statusCode(again.body), again.body).toBe(1000);
    const stored = list(c);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'mms', via: 'mm7:mmsc', status: 'in-mailbox' });
  }, 90_000);

  it('runs from the example config with NOWSMS_MM7_PORT and NOWSMS_MM7_ACCOUNTS, as `npm start` runs it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-example-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NOWSMS_DATA_DIR: dataDir,
      NOWSMS_SMTP_PORT: String(await freePort()),
      NOWSMS_POP3_PORT: String(await freePort()),
      NOWSMS_SMPP_PORT: String(await freePort()),
      NOWSMS_HTTP_PORT: String(await freePort()),
      NOWSMS_MM7_PORT: String(port),
      // A password may hold colons: it is everything between the name and the routeToUser.
      NOWSMS_MM7_ACCOUNTS: 'mmsc:pass:word:alice, vasp:other-pw:',
      NOWSMS_LOG_LEVEL: 'info',
    };
    for (const k of ['NOWSMS_SMSC_URL', 'NOWSMS_MMSC_URL', 'NOWSMS_MODEM', 'NOWSMS_TLS_KEY', 'NOWSMS_TLS_CERT', 'NOWSMS_BIND']) delete env[k];
    expect(cli(['users', 'add', 'alice', '--password', 'alice-pw', '--smtp-login'], { env }).status).toBe(0);
    const started = await startProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env });
    gateway = started.child;
    const answer = await curlMm7(port, vectorRequest('sinch_mm7_deliver_3.http'), { auth: ['mmsc', 'pass:word'] });
    expect(statusCode(answer.body), answer.body).toBe(1000);
    const listed = JSON.parse(cli(['messages', 'list', '--json'], { env }).stdout) as Listed[];
    expect(listed).toMatchObject([{ kind: 'mms', via: 'mm7:mmsc', status: 'in-mailbox' }]);
    // The second account has no routeTo: what it delivers takes the normal routing (no user has 111122).
    const other = await curlMm7(port, vectorRequest('sinch_mm7_deliver_3.http'), { auth: ['vasp', 'other-pw'] });
    expect(statusCode(other.body)).toBe(1000);
    const after = JSON.parse(cli(['messages', 'list', '--json'], { env }).stdout) as Listed[];
    expect(after.find((m) => m.via === 'mm7:vasp')).toMatchObject({ status: 'received' });
  }, 90_000);
});
