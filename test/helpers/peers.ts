// Real peers from Debian (PEERS.md). Without NOWSMS_REQUIRE_PEERS=1 a missing peer skips its test with a
// one-line reason; with it (CI), a missing peer fails the run.
import { spawnSync } from 'node:child_process';

export function havePeer(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** For `it.skipIf(...)`: true when the peer is missing and peers are optional; throws when they are required. */
export function missingPeer(command: string): boolean {
  if (havePeer(command)) return false;
  if (process.env.NOWSMS_REQUIRE_PEERS === '1')
    throw new Error(`peer ${command} is required (NOWSMS_REQUIRE_PEERS=1) but not installed: run .ci/run or apt-get install it`);
  console.warn(`skipping tests that need ${command}: not installed (see PEERS.md)`);
  return true;
}
