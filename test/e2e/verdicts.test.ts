// The verdicts a user depends on, with the gateway started the way a user starts it: `nowsms start` as a
// process, its config importing the plug-ins as the example does. Errors made by a plug-in and judged by
// core (and the other way round) must mean the same there as in-process: an SMTP 5xx is final for the
// sender's MTA, an SMSC's permanent refusal fails the message after one attempt, throttling spends none.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../core/index.ts';
import { openSqliteStore, type SqliteStore } from '../../plugins/store-sqlite/index.ts';
import { missingPeer } from '../helpers/peers.ts';
import { cli, freePort, ROOT, startProcess, stopProcess, writeConfig, type ConfigFile } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';
import { modemRig, cleanup as cleanupRigs } from '../plugins/gsm-modem/rig.ts';
import { SmscSimulator } from '../plugins/smpp/smsc-simulator/index.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  await cleanupRigs();
});

async function gatewayProcess(
  config: Pick<ConfigFile, 'dir' | 'file'>,
  opts?: Parameters<typeof startProcess>[1],
): Promise<{ child: ChildProcess; lines: string[] }> {
  const started = await startProcess(config, opts);
  cleanups.push(() => stopProcess(started.child));
  return started;
}

function swaks(port: number, to: string, body: string): { status: number | null; out: string } {
  const s = spawnSync(
    'swaks',
    [
      ...['--server', '127.0.0.1', '--port', String(port)],
      ...['--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'alice-pw'],
      ...['--from', 'alice@example.com', '--to', to, '--body', body],
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { status: s.status, out: s.stdout + s.stderr };
}

/** Alice's SMTP client (nodemailer), closed after the test. */
function aliceMailer(port: number) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth: { user: 'alice', pass: 'alice-pw' } });
  cleanups.push(async () => transport.close());
  return transport;
}

/** Every message in the store, read as `nowsms messages list --json` reads it. */
async function openStore(dataDir: string): Promise<SqliteStore> {
  const store = await openSqliteStore(path.join(dataDir, 'nowsms.db'));
  cleanups.push(() => store.close());
  return store;
}

async function summaryWhen(store: SqliteStore, id: () => Promise<string | undefined>, ok: (s: MessageSummary) => boolean, what: string) {
  return waitFor(what, async () => {
    const i = await id();
    const s = i ? await store.messages.summary(i) : undefined;
    return s && ok(s) ? s : undefined;
  });
}

const LONG_TEXT = 'x'.repeat(153 * 13 + 10); // 14 GSM 7-bit segments; the default limit is 10

describe.skipIf(missingPeer('swaks'))('SMTP verdicts, the example config started as `npm start` starts it', () => {
  it('552 for a text over the segment limit, and the sender is told the limit', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-example-'));
    const [smtpPort, pop3Port, smppPort] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NOWSMS_DATA_DIR: dataDir,
      NOWSMS_SMTP_PORT: String(smtpPort),
      NOWSMS_POP3_PORT: String(pop3Port),
      NOWSMS_SMPP_PORT: String(smppPort),
      NOWSMS_HTTP_PORT: String(await freePort()),
      NOWSMS_LOG_LEVEL: 'info',
    };
    for (const k of ['NOWSMS_SMSC_URL', 'NOWSMS_MODEM', 'NOWSMS_TLS_KEY', 'NOWSMS_TLS_CERT', 'NOWSMS_BIND']) delete env[k];
    const add = cli(['users', 'add', 'alice', '--password', 'alice-pw', '--smtp-login', '--recipients', '+15550002222'], { env });
    expect(add.status, add.stderr).toBe(0);
    // No --config: nowsms.config.ts is found in the working directory, as `npm start` finds it.
    const { lines } = await gatewayProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env });
    // Nothing sends yet: the operator is told at start, and for each message that waits.
    expect(lines.join('\n')).toMatch(/no outbound connection: an SMS to a number no user receives waits as no-route/);

    const long = swaks(smtpPort, '15550001111@sms.localhost', LONG_TEXT);
    expect(long.out).toMatch(/<\*\* 552 5\.3\.4 message too long: it needs 14 SMS segments .* the limit is 10/);
    const short = swaks(smtpPort, '15550001111@sms.localhost', 'hello');
    expect(short.status, short.out).toBe(0);
    await waitFor('the no-route warning', () => lines.some((l) => l.includes('it waits as no-route until one does') && l.includes('+15550001111')));
  });

  it('550 for a recipient a plug-in of the config refuses for good', async () => {
    const config = await writeConfig({
      keys: "users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true, recipients: ['+15550002222'] }],",
      imports: { '{ definePlugin }': 'core/index.ts' },
      preamble: `
const premiumBlock = definePlugin({
  name: 'premium-block',
  setup(api) {
    api.hooks.route.tap('premium-block', (m) => (m.to.startsWith('+1900') ? { kind: 'reject', temporary: false, reason: 'premium-rate numbers are barred' } : undefined));
  },
});`,
      plugins: ['premiumBlock'],
    });
    await gatewayProcess(config);
    const barred = swaks(config.smtpPort, '19005550000@sms.localhost', 'hi');
    expect(barred.out).toMatch(/<\*\* 550 5\.7\.1 premium-rate numbers are barred/);
  });
});

/** A gateway process with one SMSC connection to the simulator and an SMTP server to submit through. */
async function smscGateway(sim: SmscSimulator, maxAttempts: number): Promise<{ config: ConfigFile; store: SqliteStore; mail: (to: string) => Promise<void> }> {
  const config = await writeConfig({
    imports: { '{ smppClient }': 'plugins/smpp/index.ts' },
    keys: `retry: { maxAttempts: ${maxAttempts}, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 },
  users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true, recipients: ['+15550002222'] }],`,
    plugins: [
      `smppClient({ id: 'smsc', host: '127.0.0.1', port: ${sim.port}, systemId: 'nowsms', password: 'secret', anyTraffic: true, window: 1,
        reconnect: { initialSeconds: 0.05, maxSeconds: 0.5, factor: 2 } })`,
    ],
  });
  await gatewayProcess(config);
  const transport = aliceMailer(config.smtpPort);
  return {
    config,
    store: await openStore(config.dataDir),
    mail: async (to) => {
      await transport.sendMail({ from: 'alice@example.com', to, text: `to ${to}` });
    },
  };
}

/** The id of the message to this number, once the store has it. */
function idOf(store: SqliteStore, to: string): () => Promise<string | undefined> {
  return async () => (await store.messages.list({ direction: 'MT', limit: 100 })).find((m) => m.to === to)?.id;
}

describe('SMPP client verdicts in a gateway process', () => {
  it('0x0A, 0x0B and 0x66 fail the message after one attempt', async () => {
    const sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
    cleanups.push(() => sim.stop());
    const gw = await smscGateway(sim, 20);
    for (const [status, to] of [
      [0x0a, '+15550000010'],
      [0x0b, '+15550000011'],
      [0x66, '+15550000066'],
    ] as const) {
      sim.failNextSubmits({ status });
      await gw.mail(`${to.slice(1)}@sms.localhost`);
      const s = await summaryWhen(gw.store, idOf(gw.store, to), (m) => m.status === 'failed' || m.status === 'retrying', `a verdict for ${to}`);
      expect(s.status, `0x${status.toString(16)}: ${JSON.stringify(s.history)}`).toBe('failed');
      expect(sim.submits.filter((x) => x.pdu.destination_addr === to.slice(1) || x.pdu.destination_addr === to)).toHaveLength(1);
    }
    // The operator sees the verdict the same way.
    const listed = JSON.parse(cli(['messages', 'list', '--json', '--config', gw.config.file]).stdout) as MessageSummary[];
    expect(listed.filter((m) => m.status === 'failed')).toHaveLength(3);
  });

  it('0x58 and 0x14 pause the connection and spend no attempt (one attempt allowed, and the message is still sent)', async () => {
    const sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
    cleanups.push(() => sim.stop());
    const gw = await smscGateway(sim, 1);
    sim.failNextSubmits({ status: 0x58 }, { status: 0x14 }, { status: 0x58 });
    await gw.mail('15550000058@sms.localhost');
    const s = await summaryWhen(gw.store, idOf(gw.store, '+15550000058'), (m) => m.status === 'sent' || m.status === 'failed', 'the throttled message to end');
    expect(s.status, JSON.stringify(s.history)).toBe('sent');
    expect(sim.submits.map((x) => x.status)).toEqual([0x58, 0x14, 0x58, 0]);
  });
});

describe.skipIf(missingPeer('socat'))('modem verdicts in a gateway process', () => {
  it('+CMS ERROR 1 (unassigned number) fails the message at once; +CMS ERROR 42 (congestion) spends no attempt', async () => {
    const rig = await modemRig();
    const config = await writeConfig({
      imports: { '{ gsmModem }': 'plugins/gsm-modem/index.ts' },
      keys: `retry: { maxAttempts: 1, firstDelaySeconds: 0.1, stepSeconds: 0.1, throttlePauseSeconds: 0.1 },
  users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true, recipients: ['+15550002222'] }],`,
      plugins: [
        `gsmModem({ id: 'modem1', path: ${JSON.stringify(rig.pair.gatewayPath)}, anyTraffic: true, pollSeconds: 1, commandTimeoutMs: 2000, throttlePauseSeconds: 0.1 })`,
      ],
    });
    await gatewayProcess(config);
    const store = await openStore(config.dataDir);
    const transport = aliceMailer(config.smtpPort);

    rig.sim.failNextSends(1, 1);
    await transport.sendMail({ from: 'alice@example.com', to: '15550000001@sms.localhost', text: 'to nobody' });
    const failed = await summaryWhen(store, idOf(store, '+15550000001'), (m) => m.status === 'failed' || m.status === 'sent', 'the refused message to end');
    expect(failed.status).toBe('failed');
    expect(failed.history.at(-1)?.detail).toMatch(/unassigned/);

    rig.sim.failNextSends(2, 42);
    await transport.sendMail({ from: 'alice@example.com', to: '15550000042@sms.localhost', text: 'after the congestion' });
    const sent = await summaryWhen(store, idOf(store, '+15550000042'), (m) => m.status === 'failed' || m.status === 'sent', 'the congested message to end');
    expect(sent.status, JSON.stringify(sent.history)).toBe('sent');
    expect(rig.sim.rejectedSends).toHaveLength(3);
  });
});
