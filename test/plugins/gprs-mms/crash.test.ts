// kill -9 of a gateway fetching an MMS: the gateway runs as its own process (`nowsms start`) with a modem
// whose MMS side is on. Between the GET and the commit: a plug-in in its config holds the fetched MMS in the
// normalise hook (after the MMSC answered, before the store commits) and leaves a marker file; the test kills
// the process there. The push is still queued, so the restarted gateway fetches the MMS again, stores it and
// tells the MMSC. Between the commit and the MMSC's answer to the m-notifyresp-ind: the MMSC holds its answer,
// the test kills the gateway once the MMS is in the mailbox; the restarted gateway fetches it again, finds it
// stored (its Content-Location is its idempotency key) and tells the MMSC. Either way: alice has it once.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../plugins/store-sqlite/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { startProcess, stopProcess, writeConfig, type ConfigFile } from '../../helpers/process.ts';
import { cleanup, modemRig, onCleanup, waitFor, type ModemRig } from '../gsm-modem/rig.ts';
import { HttpProxy, Mm1Mmsc } from './mm1-simulator/index.ts';
import { JPEG } from './mm1-rig.ts';

afterEach(cleanup);

async function gatewayProcess(rig: ModemRig, mmsc: Mm1Mmsc, proxy: HttpProxy, marker?: string) {
  const config: ConfigFile = await writeConfig({
    imports: { '{ existsSync, writeFileSync }': 'node:fs', '{ gsmModem }': 'plugins/gsm-modem/index.ts', '{ gprsMms }': 'plugins/gprs-mms/index.ts' },
    preamble: `
const marker = ${JSON.stringify(marker ?? '')};
// The first MMS fetched waits here, decoded but not committed, long enough to be killed.
const holdFirstMms = {
  name: 'hold-first-mms',
  setup(api) {
    api.hooks.normalize.tap('hold-first-mms', async (m) => {
      if (marker && m.kind === 'mms' && m.direction === 'MO' && !existsSync(marker)) {
        writeFileSync(marker, m.subject ?? '');
        await new Promise((r) => setTimeout(r, 20_000));
      }
      return m;
    });
  },
};`,
    keys: "users: [{ name: 'alice', password: 'alice-pw', smtpLogin: true }],",
    plugins: [
      'holdFirstMms',
      `gsmModem({ id: 'modem1', path: ${JSON.stringify(rig.pair.gatewayPath)}, number: '+15550001111', pollSeconds: 1, commandTimeoutMs: 2000 })`,
      `gprsMms({ mmscUrl: ${JSON.stringify(mmsc.url)}, proxy: ${JSON.stringify(proxy.hostPort)}, routeTo: 'alice', firstRetrySeconds: 0.2, maxRetrySeconds: 1, timeoutSeconds: 2 })`,
    ],
  });
  let child: ChildProcess | undefined;
  onCleanup(async () => {
    if (child) await stopProcess(child, 'SIGKILL');
  });
  return {
    config,
    mailbox: () => fetchAll(config.pop3Port, 'alice', 'alice-pw'),
    async start() {
      ({ child } = await startProcess(config));
      await rig.sim.waitForCommand(/^AT\+CNMI=/, 20_000);
    },
    async stop(signal?: NodeJS.Signals) {
      const c = child;
      child = undefined;
      if (c) await stopProcess(c, signal);
    },
    /** After a clean stop: the pushes and the MMS the store holds. */
    async stored() {
      const store = await openSqliteStore(path.join(config.dataDir, 'nowsms.db'));
      try {
        const mo = await store.messages.list({ direction: 'MO' });
        return { pushes: mo.filter((m) => m.kind === 'sms'), mms: mo.filter((m) => m.kind === 'mms') };
      } finally {
        await store.close();
      }
    },
  };
}

async function simulators() {
  const mmsc = await Mm1Mmsc.start();
  onCleanup(() => mmsc.stop());
  const proxy = await HttpProxy.start();
  onCleanup(() => proxy.stop());
  const rig = await modemRig();
  const held = mmsc.hold({
    from: '+4790000001',
    to: '+15550001111',
    subject: 'Survivor',
    parts: [
      { contentType: 'text/plain; charset=utf-8', data: Buffer.from('still here') },
      { contentType: 'image/jpeg', name: 'photo.jpg', data: JPEG },
    ],
  });
  return { mmsc, proxy, rig, held };
}

describe.skipIf(missingPeer('socat') || missingPeer('curl'))('gprs-mms: a gateway killed mid-retrieval', () => {
  it('killed after the GET was answered, before the commit: fetched again after the restart, in the mailbox once', async () => {
    const { mmsc, proxy, rig, held } = await simulators();
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'nowsms-marker-')), 'held');
    const gw = await gatewayProcess(rig, mmsc, proxy, marker);
    await gw.start();
    for (const p of mmsc.pushSms(held.notification).pdus) rig.sim.deliverPdu(p.pdu);
    await waitFor('the MMS to be held before its commit', () => existsSync(marker), 20_000);
    expect(held.retrievals).toBe(1);
    expect(mmsc.notifyResps).toHaveLength(0);
    await gw.stop('SIGKILL');

    await gw.start();
    const [resp] = await mmsc.waitForNotifyResps(1, 20_000);
    expect(resp).toMatchObject({ messageType: 'm-notifyresp-ind', transactionId: held.transactionId, status: 'retrieved' });
    expect(held.retrievals).toBe(2);
    const [mail, ...more] = await waitFor('the MMS in alice’s mailbox', async () => {
      const m = await gw.mailbox();
      return m.length ? m : undefined;
    });
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Survivor');
    expect(mail!.attachments.find((a) => a.contentType === 'image/jpeg')?.content.equals(JPEG)).toBe(true);
    await gw.stop();

    const stored = await gw.stored();
    expect(stored.mms).toHaveLength(1);
    expect(stored.pushes.map((p) => p.status)).toEqual(['sent']);
    expect(mmsc.notifyResps).toHaveLength(1);
  });

  it('killed after the commit, before the MMSC answered the m-notifyresp-ind: stored once, and the MMSC told after the restart', async () => {
    const { mmsc, proxy, rig, held } = await simulators();
    const gw = await gatewayProcess(rig, mmsc, proxy);
    // The GET is answered; the notify-response that follows it is not (until long after the test).
    mmsc.misbehaveNext('ok', { delayMs: 120_000 });
    await gw.start();
    for (const p of mmsc.pushSms(held.notification).pdus) rig.sim.deliverPdu(p.pdu);
    await waitFor('the MMS in alice’s mailbox', async () => (await gw.mailbox()).length > 0, 20_000);
    await mmsc.waitFor(() => mmsc.requests.some((r) => r.method === 'POST'), 'the notify-response posted');
    expect(mmsc.notifyResps).toHaveLength(0);
    await gw.stop('SIGKILL');

    await gw.start();
    const [resp] = await mmsc.waitForNotifyResps(1, 20_000);
    expect(resp).toMatchObject({ messageType: 'm-notifyresp-ind', transactionId: held.transactionId, status: 'retrieved' });
    expect(held.retrievals).toBe(2);
    const all = await gw.mailbox();
    expect(all.map((m) => m.subject)).toEqual(['Survivor']);
    await gw.stop();

    const stored = await gw.stored();
    expect(stored.mms).toHaveLength(1);
    const [push, ...others] = stored.pushes;
    expect(others).toHaveLength(0);
    expect(push!.status).toBe('sent');
    expect(push!.history.at(-1)!.detail).toMatch(/\(already stored\); the MMSC was told \(retrieved\)/);
    // The answer held back from the killed gateway never came: one notify-response was taken.
    expect(mmsc.notifyResps).toHaveLength(1);
  });
});
