// kill -9 of the gateway while 1,000 messages are in flight to the SMSC: after a restart every message that
// was acknowledged in reaches the SMSC at least once. The gateway runs as a real process.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess, stopProcess } from '../../../helpers/process.ts';
import { SmscSimulator } from '../smsc-simulator/index.ts';
import { waitFor } from './harness.ts';
import { writeSmscConfig } from './process-config.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const COUNT = 1000;

let gateway: ChildProcess | undefined;
let submitter: ChildProcess | undefined;
let sim: SmscSimulator | undefined;
afterEach(async () => {
  if (gateway) await stopProcess(gateway, 'SIGKILL');
  if (submitter) await stopProcess(submitter, 'SIGKILL');
  await sim?.stop();
  gateway = submitter = sim = undefined;
});

/** Run the submitter to completion; resolves with the texts it saw acknowledged. */
function submitAll(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/submit-mt.ts'), file, String(COUNT)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    submitter = child;
    const acked: string[] = [];
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let i;
      while ((i = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        if (line.startsWith('ack ')) acked.push(line.slice(4));
      }
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      submitter = undefined;
      if (code === 0) resolve(acked);
      else reject(new Error(`submitter exited with ${code}: ${err}`));
    });
  });
}

describe('durability of MT in flight', () => {
  it('kill -9 while sending 1,000 messages: every acknowledged message reaches the SMSC after restart', async () => {
    sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret' });
    // Slow enough that the kill lands mid-stream.
    const config = await writeSmscConfig({ smscPort: sim.port, throughput: 100, window: 10 });
    gateway = (await startProcess(config)).child;

    const acked = await submitAll(config.file);
    expect(acked).toHaveLength(COUNT);
    const received = () => new Set(sim!.submits.filter((s) => s.messageId !== undefined).map((s) => s.view.text));
    await waitFor('sending under way', () => received().size >= 100, 60_000);

    gateway.kill('SIGKILL');
    await new Promise((r) => gateway!.once('exit', r));
    const before = received().size;
    expect(before).toBeLessThan(COUNT);

    gateway = (await startProcess(config)).child;
    await waitFor('every acknowledged message at the SMSC', () => acked.every((t) => received().has(t)), 120_000);
    // At least once: a message whose submit_sm_resp was lost in the kill may have gone twice, no more than the window.
    const accepted = sim.submits.filter((s) => s.messageId !== undefined).length;
    expect(accepted - COUNT).toBeLessThanOrEqual(10);
  }, 240_000);
});
