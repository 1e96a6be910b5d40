// kill -9 of a gateway receiving from a modem: the gateway runs as its own process (`nowsms start`).
// Between +CMGR and the commit: a plug-in in its config holds the received message in the normalise hook
// (after AT+CMGR answered, before the store commits) and leaves a marker file; the test kills the process
// there. The message must still be on the simulated SIM, and the restarted gateway must read it, deliver it
// once, and only then delete it. Between the commit and AT+CMGD: the simulated modem does not delete, the
// test kills the gateway after the message is in the mailbox, and the restarted gateway must only delete it.
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../plugins/store-sqlite/index.ts';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { startProcess, stopProcess, writeConfig, type ConfigFile } from '../../helpers/process.ts';
import { cleanup, modemRig, onCleanup, waitFor } from './rig.ts';

afterEach(cleanup);

function writeModemConfig(modemPath: string, marker: string | undefined): Promise<ConfigFile> {
  return writeConfig({
    imports: { '{ existsSync, writeFileSync }': 'node:fs', '{ gsmModem }': 'plugins/gsm-modem/index.ts' },
    preamble: `
const marker = ${JSON.stringify(marker ?? '')};
// The first received message waits here, decoded but not committed, long enough to be killed.
const holdFirstCommit = {
  name: 'hold-first-commit',
  setup(api) {
    api.hooks.normalize.tap('hold-first-commit', async (m) => {
      if (marker && m.direction === 'MO' && !existsSync(marker)) {
        writeFileSync(marker, m.from);
        await new Promise((r) => setTimeout(r, 20_000));
      }
      return m;
    });
  },
};`,
    keys: "users: [{ name: 'bob', password: 'bob-pw', smtpLogin: true }],",
    plugins: [
      'holdFirstCommit',
      `gsmModem({ id: 'modem1', path: ${JSON.stringify(modemPath)}, number: '+15550001111', routeTo: 'bob', pollSeconds: 1, commandTimeoutMs: 2000 })`,
    ],
  });
}

/** The gateway as its own process on the rig's modem, started and stopped by the test, killed at cleanup. */
async function gatewayProcess(modemPath: string, marker?: string) {
  const config = await writeModemConfig(modemPath, marker);
  let child: ChildProcess | undefined;
  onCleanup(async () => {
    if (child) await stopProcess(child, 'SIGKILL');
  });
  return {
    config,
    mailbox: () => fetchAll(config.pop3Port, 'bob', 'bob-pw'),
    async start() {
      ({ child } = await startProcess(config));
    },
    async stop(signal?: NodeJS.Signals) {
      const c = child;
      child = undefined;
      if (c) await stopProcess(c, signal);
    },
  };
}

describe.skipIf(missingPeer('socat') || missingPeer('curl'))('a gateway killed mid-receive', () => {
  it('loses nothing: the message stays on the SIM and is read again after the restart', async () => {
    const rig = await modemRig();
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'nowsms-marker-')), 'held');
    const gw = await gatewayProcess(rig.pair.gatewayPath, marker);

    await gw.start();
    await rig.sim.waitForCommand(/^AT\+CNMI=/, 20_000);
    rig.sim.deliver({ from: '+447700900123', text: 'survives kill -9 😀' });
    await waitFor('the message to be held before its commit', () => existsSync(marker), 20_000);
    // Read off the SIM: by AT+CMGR after +CMTI, or by the AT+CMGL=4 sweep when that came first.
    expect(rig.sim.commands.some((c) => /^AT\+CMG[RL]=/i.test(c))).toBe(true);
    await gw.stop('SIGKILL');

    const onSim = rig.sim.storedMessages();
    expect(onSim).toHaveLength(1);
    expect(rig.sim.commands.some((c) => /^AT\+CMGD=/i.test(c))).toBe(false);

    await gw.start();
    const [mail, ...more] = await waitFor(
      "the message in bob's mailbox",
      async () => {
        const m = await gw.mailbox();
        return m.length ? m : undefined;
      },
      30_000,
    );
    expect(more).toHaveLength(0);
    expect(mail!.text!.trim()).toBe('survives kill -9 😀');
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0, 10_000);
    // Delivered once: nothing more turns up after a few more polls.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await gw.mailbox()).toHaveLength(1);
    await gw.stop();
  });

  it('stores it once when killed between the commit and AT+CMGD: the SMS read again is only deleted', async () => {
    const rig = await modemRig();
    const gw = await gatewayProcess(rig.pair.gatewayPath);
    // The modem never answers AT+CMGD: the message is committed and stays on the SIM.
    rig.sim.noAnswer(/^AT\+CMGD=/i, 1000);
    await gw.start();
    await rig.sim.waitForCommand(/^AT\+CNMI=/, 20_000);
    rig.sim.deliver({ from: '+447700900123', text: 'only once, please' });
    await waitFor("the message in bob's mailbox", async () => (await gw.mailbox()).length > 0, 30_000);
    await rig.sim.waitForCommand(/^AT\+CMGD=/, 10_000);
    await gw.stop('SIGKILL');
    expect(rig.sim.storedMessages()).toHaveLength(1);

    rig.sim.clearFaults();
    await gw.start();
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0, 30_000);
    const all = await gw.mailbox();
    expect(all.map((m) => m.text!.trim())).toEqual(['only once, please']);
    await gw.stop();
  });

  it('a long message read again after its commit is neither stored twice nor left behind as a stray segment', async () => {
    const rig = await modemRig();
    const gw = await gatewayProcess(rig.pair.gatewayPath);
    const text = 'A long message in two parts. '.repeat(7).trim();
    // Deletes fail (a full or faulty SIM): both segments are committed and stay on the SIM.
    rig.sim.refuse(/^AT\+CMGD=/i);
    await gw.start();
    await rig.sim.waitForCommand(/^AT\+CNMI=/, 20_000);
    expect(rig.sim.deliver({ from: '+447700900123', text })).toHaveLength(2);
    await waitFor("the whole message in bob's mailbox", async () => (await gw.mailbox()).length === 1, 30_000);
    await rig.sim.waitForCommand(/^AT\+CMGD=/, 10_000);
    await gw.stop('SIGKILL');
    expect(rig.sim.storedMessages()).toHaveLength(2);

    rig.sim.clearFaults();
    await gw.start();
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0, 30_000);
    const all = await gw.mailbox();
    expect(all.map((m) => m.text!.trim())).toEqual([text]);
    // Nothing waits for the reassembly timeout to come out as half a message.
    const store = await openSqliteStore(path.join(gw.config.dataDir, 'nowsms.db'));
    try {
      expect(await store.segments.stale(new Date(Date.now() + 86_400_000))).toEqual([]);
    } finally {
      await store.close();
    }
    await gw.stop();
  });
});
