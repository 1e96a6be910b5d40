// A serial line made of two pseudo-terminals joined by socat (PEERS.md): the gateway's serialport opens
// one end, a modem simulator the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The end the gateway opens (like /dev/ttyUSB0). */
  gatewayPath: string;
  /** The end the simulator opens. */
  modemPath: string;
  process: ChildProcess;
  close(): Promise<void>;
}

export async function ptyPair(dir = mkdtempSync(path.join(os.tmpdir(), 'nowsms-pty-'))): Promise<PtyPair> {
  const gatewayPath = path.join(dir, 'ttyGW');
  const modemPath = path.join(dir, 'ttyMODEM');
  const child = spawn('socat', [`pty,raw,echo=0,link=${gatewayPath}`, `pty,raw,echo=0,link=${modemPath}`], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(existsSync(gatewayPath) && existsSync(modemPath))) {
    if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('socat did not create the pseudo-terminals within 10 s');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    gatewayPath,
    modemPath,
    process: child,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
