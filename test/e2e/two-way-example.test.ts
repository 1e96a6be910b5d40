// The example config with NOWSMS_TWO_WAY, started as `npm start` starts it: a command declared in the
// environment alone runs for an injected MO, and a bad NOWSMS_TWO_WAY stops the start with its name.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../core/index.ts';
import { cli, freePort, ROOT, startProcess, stopProcess } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';
import { startReceiver, text, type Receiver } from '../plugins/two-way/receiver.ts';

let child: ChildProcess | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  if (child) await stopProcess(child);
  await receiver?.stop();
  child = receiver = undefined;
});

async function exampleEnv(twoWay: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NOWSMS_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'nowsms-example-')),
    NOWSMS_SMTP_PORT: String(await freePort()),
    NOWSMS_POP3_PORT: String(await freePort()),
    NOWSMS_SMPP_PORT: String(await freePort()),
    NOWSMS_TWO_WAY: twoWay,
  };
  for (const k of ['NOWSMS_SMSC_URL', 'NOWSMS_MODEM', 'NOWSMS_TLS_KEY', 'NOWSMS_TLS_CERT', 'NOWSMS_BIND', 'NOWSMS_MMSC_URL', 'NOWSMS_MM7_PORT']) delete env[k];
  return env;
}

describe('NOWSMS_TWO_WAY in the example config', () => {
  it('a command from the environment runs for a received SMS', async () => {
    receiver = await startReceiver({ '/w': (c, res) => text(res, `got ${c.query.get('q')}`) });
    const env = await exampleEnv(JSON.stringify([{ keyword: 'weather', receiveNumber: '+15550001111', action: `${receiver.url}/w?q=@@SMS@@` }]));
    child = (await startProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env })).child;
    const r = cli(['inject', '--from', '+447700900123', '--to', '+15550001111', '--text', 'Weather in Oslo', '--json'], { env });
    expect(r.status, r.stderr).toBe(0);
    const call = await waitFor('the call', () => receiver!.to('/w')[0]);
    expect(call.query.get('q')).toBe('in Oslo');
    const done = await waitFor('the outcome', () => {
      const list = JSON.parse(cli(['messages', 'list', '--json'], { env }).stdout) as MessageSummary[];
      return list.find((m) => m.direction === 'MO' && m.status === 'sent');
    });
    expect(done.history.at(-1)!.detail).toMatch(/answered "got in Oslo"; reply /);
  }, 60_000);

  it('a bad NOWSMS_TWO_WAY stops the start, naming the variable and the field', async () => {
    const env = await exampleEnv('[{"keyword":"A","action":"https://x/?q=@@NOPE@@"}]');
    await expect(startProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env })).rejects.toThrow(/unknown placeholder @@NOPE@@/);
    const env2 = await exampleEnv('[{"keyword":"two words","action":"https://x/"}]');
    await expect(startProcess({ dir: ROOT, file: path.join(ROOT, 'nowsms.config.ts') }, { args: [], env: env2 })).rejects.toThrow(/NOWSMS_TWO_WAY\.0\.keyword/);
  }, 60_000);
});
