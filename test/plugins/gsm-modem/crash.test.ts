// kill -9 between +CMGR and the commit loses nothing: the gateway runs as its own process (`nowsms start`),
// a plug-in in its config holds the received message in the normalise hook (after AT+CMGR answered, before
// the store commits) and leaves a marker file; the test kills the process there. The message must still be
// on the simulated SIM, and the restarted gateway must read it, deliver it once, and only then delete it.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { freePort, ROOT, startProcess, stopProcess, type ConfigFile } from '../../helpers/process.ts';
import { cleanup, modemRig, onCleanup, waitFor } from './rig.ts';

afterEach(cleanup);

async function writeModemConfig(modemPath: string, marker: string): Promise<ConfigFile> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-modem-proc-'));
  const smtpPort = await freePort();
  const pop3Port = await freePort();
  const file = path.join(dir, 'nowsms.config.ts');
  const imp = (p: string) => JSON.stringify(path.join(ROOT, p));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    file,
    `import { existsSync, writeFileSync } from 'node:fs';
import { defineConfig } from ${imp('core/index.ts')};
import { sqliteStore } from ${imp('plugins/store-sqlite/index.ts')};
import { smtp } from ${imp('plugins/smtp/index.ts')};
import { pop3 } from ${imp('plugins/pop3/index.ts')};
import { gsmModem } from ${imp('plugins/gsm-modem/index.ts')};

const marker = ${JSON.stringify(marker)};
// The first received message waits here, decoded but not committed, long enough to be killed.
const holdFirstCommit = {
  name: 'hold-first-commit',
  setup(api) {
    api.hooks.normalize.tap('hold-first-commit', async (m) => {
      if (m.direction === 'MO' && !existsSync(marker)) {
        writeFileSync(marker, m.from);
        await new Promise((r) => setTimeout(r, 20_000));
      }
      return m;
    });
  },
};

export default defineConfig({
  dataDir: './data',
  security: { authFailureDelayMs: 20, apop: true },
  log: { level: 'info', pretty: false },
  users: [{ name: 'bob', password: 'bob-pw', smtpLogin: true }],
  plugins: [
    sqliteStore(),
    smtp({ port: ${smtpPort} }),
    pop3({ port: ${pop3Port} }),
    holdFirstCommit,
    gsmModem({ id: 'modem1', path: ${JSON.stringify(modemPath)}, number: '+15550001111', routeTo: 'bob', pollSeconds: 1, commandTimeoutMs: 2000 }),
  ],
});
`,
  );
  return { dir, file, dataDir: path.join(dir, 'data'), smtpPort, pop3Port };
}

describe.skipIf(missingPeer('socat') || missingPeer('curl'))('a gateway killed mid-receive', () => {
  it('loses nothing: the message stays on the SIM and is read again after the restart', async () => {
    const rig = await modemRig();
    const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'nowsms-marker-')), 'held');
    const config = await writeModemConfig(rig.pair.gatewayPath, marker);
    let child: ChildProcess | undefined;
    onCleanup(async () => {
      if (child) await stopProcess(child, 'SIGKILL');
    });

    ({ child } = await startProcess(config));
    await rig.sim.waitForCommand(/^AT\+CNMI=/, 20_000);
    rig.sim.deliver({ from: '+447700900123', text: 'survives kill -9 😀' });
    await waitFor('the message to be held before its commit', () => existsSync(marker), 20_000);
    expect(rig.sim.commands.some((c) => /^AT\+CMGR=/i.test(c))).toBe(true);
    await stopProcess(child, 'SIGKILL');
    child = undefined;

    const onSim = rig.sim.storedMessages();
    expect(onSim).toHaveLength(1);
    expect(rig.sim.commands.some((c) => /^AT\+CMGD=/i.test(c))).toBe(false);

    ({ child } = await startProcess(config));
    const [mail, ...more] = await waitFor(
      "the message in bob's mailbox",
      async () => {
        const m = await fetchAll(config.pop3Port, 'bob', 'bob-pw');
        return m.length ? m : undefined;
      },
      30_000,
    );
    expect(more).toHaveLength(0);
    expect(mail!.text!.trim()).toBe('survives kill -9 😀');
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0, 10_000);
    // Delivered once: nothing more turns up after a few more polls.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await fetchAll(config.pop3Port, 'bob', 'bob-pw')).toHaveLength(1);
    await stopProcess(child);
    child = undefined;
  });
});
