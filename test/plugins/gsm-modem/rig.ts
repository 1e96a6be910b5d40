// Integration rigs: the modem simulator on one end of a socat pty pair, a real gateway with the modem
// plug-in on the other. Everything made here is registered for cleanup() so afterEach leaves nothing.
import nodemailer from 'nodemailer';
import type { ConnectionStatus } from '../../../core/index.ts';
import { gsmModem, type GsmModemOptions } from '../../../plugins/gsm-modem/index.ts';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../../helpers/gateway.ts';
import { ptyPair, type PtyPair } from '../../helpers/socat.ts';
import { ModemSimulator, type SimulatorOptions } from './simulator/index.ts';

export interface ModemRig {
  pair: PtyPair;
  sim: ModemSimulator;
}

const cleanups: (() => Promise<void>)[] = [];

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** Undo everything, last made first; errors are collected, not allowed to leave things running. */
export async function cleanup(): Promise<void> {
  const errors: unknown[] = [];
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
}

export async function modemRig(opts: SimulatorOptions = {}): Promise<ModemRig> {
  const pair = await ptyPair();
  onCleanup(() => pair.close());
  const sim = await ModemSimulator.attach(pair, opts);
  onCleanup(() => sim.close());
  return { pair, sim };
}

/** Quick timeouts so that resets and reconnects happen within a test's patience. */
export const FAST: Partial<GsmModemOptions> = {
  commandTimeoutMs: 1500,
  sendTimeoutMs: 3000,
  pollSeconds: 1,
  reconnect: { firstMs: 200, maxMs: 1000 },
};

export function modemPlugin(id: string, rig: ModemRig, opts: Partial<GsmModemOptions> = {}) {
  return gsmModem({ id, path: rig.pair.gatewayPath, ...FAST, ...opts });
}

export async function gateway(opts: TestGatewayOptions): Promise<TestGateway> {
  const gw = await startTestGateway(opts);
  onCleanup(() => gw.stop());
  return gw;
}

export function statusOf(gw: TestGateway, id: string): ConnectionStatus {
  const s = gw.gateway.status()[id];
  if (!s) throw new Error(`no connection ${id}`);
  return s;
}

export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function waitForState(gw: TestGateway, id: string, state: ConnectionStatus['state'], timeoutMs = 15_000, detail?: RegExp) {
  return waitFor(
    `${id} to be ${state}${detail ? ` (${detail})` : ''}`,
    () => {
      const s = statusOf(gw, id);
      return s.state === state && (!detail || detail.test(s.detail ?? '')) ? s : undefined;
    },
    timeoutMs,
  );
}

export function mailer(gw: TestGateway, user: string, pass: string) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: gw.smtpPort, secure: false, ignoreTLS: true, auth: { user, pass } });
}
