// Who holds a node's heartbeat and its connections' leases: this process, by a name of its own. Two
// processes started with one node id then hold nothing twice, and the second learns of the first. The
// name says where the process runs, so that an operator can find it, and so that a successor on the same
// machine can tell that it has died (kill -9 leaves its leases behind until they run out).
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

/** Linux only: elsewhere a name carries neither, and no successor takes its death for granted. */
function tryRead(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
// A pid means a process only within one boot of one machine, and one pid namespace (a container has its own).
const boot = tryRead(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', '').slice(0, 12));
const pidNamespace = tryRead(() => /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1]);

const ours = new Set<string>();

/** A new holder name for a gateway of this process: `<host> pid <pid> boot <id> ns <inode> #<random>`. */
export function newLeaseHolder(): string {
  const where = boot && pidNamespace ? ` boot ${boot} ns ${pidNamespace}` : '';
  const name = `${os.hostname()} pid ${process.pid}${where} #${randomBytes(4).toString('hex')}`;
  ours.add(name);
  return name;
}

/** The gateway that held this name has stopped (a test may start another in the same process). */
export function retireLeaseHolder(name: string): void {
  ours.delete(name);
}

/**
 * True only when `holder` names a process of this machine, this boot and this pid namespace that no longer
 * runs. Anything else (another machine, a container of its own, a pid in use again) may be alive.
 */
export function diedHere(holder: string): boolean {
  const m = / pid (\d+) boot (\S+) ns (\d+) #\S+$/.exec(holder);
  if (!m || m[2] !== boot || m[3] !== pidNamespace) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return !ours.has(holder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
