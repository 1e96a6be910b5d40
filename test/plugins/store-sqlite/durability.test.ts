import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { newMessageId } from '../../../core/index.ts';
import { open, tempFile } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').includes(line)) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before "${line}":\n${out}\n${err}`)));
  });
}

describe('store-sqlite durability', () => {
  it('a message acknowledged as committed survives kill -9 of the process that committed it', async () => {
    const file = await tempFile();
    const id = newMessageId();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/commit-then-wait.ts'), file, id], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    await waitForLine(child, 'committed');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    const store = await open(file);
    const m = await store.messages.get(id);
    expect(m?.parts[0]!.data.toString()).toBe('survives kill -9 ✅');
    expect((await store.messages.summary(id))!.status).toBe('queued');
  });
});
