// Kannel on the same end-to-end path: smsbox sendsms (HTTP) -> bearerbox (with its store file, so what it
// accepted survives a restart, like the gateway's store) -> SMPP to the same sink.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChild, stopChild, waitForPort, type Child } from './proc.ts';

export const BEARERBOX = process.env.BEARERBOX_BIN ?? '/usr/sbin/bearerbox';
export const SMSBOX = process.env.SMSBOX_BIN ?? '/usr/sbin/smsbox';

export interface KannelSetup {
  config: string;
  smsboxPort: number;
  sendsmsPort: number;
}

/** The sendsms account every HTTP load uses (`services` replaces it: 2-way's sms-service groups). */
const SENDSMS_USER = `group = sendsms-user
username = "bench"
password = "pw"
user-allow-ip = "127.0.0.1"
max-messages = 1
`;

export function writeKannelConfig(
  dir: string,
  p: { admin: number; smsbox: number; sendsms: number; sinkPort: number; window: number; services?: string },
): KannelSetup {
  const config = path.join(dir, 'kannel.conf');
  writeFileSync(
    config,
    `group = core
admin-port = ${p.admin}
admin-password = "admin"
admin-allow-ip = "127.0.0.1"
smsbox-port = ${p.smsbox}
box-allow-ip = "127.0.0.1"
log-file = "${path.join(dir, 'bearerbox.log')}"
log-level = 2
store-type = file
store-location = "${path.join(dir, 'kannel.store')}"
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = sink
host = 127.0.0.1
port = ${p.sinkPort}
transceiver-mode = true
smsc-username = "kannel"
smsc-password = "pw"
system-type = ""
max-pending-submits = ${p.window}
reconnect-delay = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${p.smsbox}
sendsms-port = ${p.sendsms}
log-file = "${path.join(dir, 'smsbox.log')}"
log-level = 2

${p.services ?? SENDSMS_USER}`,
  );
  return { config, smsboxPort: p.smsbox, sendsmsPort: p.sendsms };
}

export async function startKannel(setup: KannelSetup, dir: string): Promise<Child[]> {
  const bearerbox = startChild('bearerbox', BEARERBOX, [setup.config], { cwd: dir });
  try {
    await waitForPort(setup.smsboxPort, bearerbox, 30_000);
  } catch (e) {
    await stopChild(bearerbox);
    throw e;
  }
  const smsbox = startChild('smsbox', SMSBOX, [setup.config], { cwd: dir });
  try {
    await waitForPort(setup.sendsmsPort, smsbox, 30_000);
  } catch (e) {
    await stopChild(smsbox);
    await stopChild(bearerbox);
    throw e;
  }
  return [smsbox, bearerbox];
}

/** `messages` sendsms requests, `concurrency` at a time; returns each request's start time by tag - firstTag. */
export async function sendsmsLoad(
  port: number,
  messages: number,
  concurrency: number,
  firstTag: number,
  /** Ask for delivery receipts (dlr-mask 1), reported by smsbox to this URL. */
  dlrUrl?: string,
): Promise<{ elapsedMs: number; sentAt: Float64Array; failed: number }> {
  const sentAt = new Float64Array(messages);
  let next = 0;
  let failed = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < messages) {
      const i = next++;
      const q = new URLSearchParams({ username: 'bench', password: 'pw', from: '15550001111', to: '15557770000', text: `bench message #${firstTag + i}` });
      if (dlrUrl) {
        q.set('dlr-mask', '1');
        q.set('dlr-url', dlrUrl);
      }
      sentAt[i] = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/cgi-bin/sendsms?${q.toString()}`);
      await res.text();
      if (res.status !== 202) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { elapsedMs: performance.now() - start, sentAt, failed };
}
