// The example config with NOWSMS_TWO_WAY, started as `npm start` starts it: a command declared in the
// environment alone runs for an injected MO, and a bad NOWSMS_TWO_WAY stops the start with its name.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../core/index.ts';
import { cli, exampleEnv, startExample, stopProcess } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';
import { startReceiver, text, type Receiver } from '../plugins/two-way/receiver.ts';

let child: ChildProcess | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  if (child) await stopProcess(child);
  await receiver?.stop();
  child = receiver = undefined;
});

async function twoWayEnv(twoWay: string): Promise<NodeJS.ProcessEnv> {
  return (await exampleEnv({ NOWSMS_TWO_WAY: twoWay })).env;
}

describe('NOWSMS_TWO_WAY in the example config', () => {
  it('a command from the environment runs for a received SMS', async () => {
    receiver = await startReceiver({ '/w': (c, res) => text(res, `got ${c.query.get('q')}`) });
    const env = await twoWayEnv(JSON.stringify([{ keyword: 'weather', receiveNumber: '+15550001111', action: `${receiver.url}/w?q=@@SMS@@` }]));
    child = (await startExample(env)).child;
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
    const env = await twoWayEnv('[{"keyword":"A","action":"https://x/?q=@@NOPE@@"}]');
    await expect(startExample(env)).rejects.toThrow(/unknown placeholder @@NOPE@@/);
    const env2 = await twoWayEnv('[{"keyword":"two words","action":"https://x/"}]');
    await expect(startExample(env2)).rejects.toThrow(/NOWSMS_TWO_WAY\.0\.keyword/);
  }, 60_000);
});
