// Test helpers around a running gateway: a nodemailer client, and the messages a 250 names.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { textOf, type Message } from '../../../core/index.ts';
import type { TestGateway } from '../../helpers/gateway.ts';

export function mailer(port: number, user: string, pass: string, extra: SMTPTransport.Options = {}) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    auth: { user, pass, method: 'PLAIN' },
    connectionTimeout: 10_000,
    ...extra,
  });
}

/** The message ids the gateway put in its 250 reply. */
export function idsIn(response: string): string[] {
  const m = /accepted (?:as|\d+ messages as) ([0-9a-z ]+)$/.exec(response.trim());
  if (!m) throw new Error(`no message ids in ${response}`);
  return m[1]!.trim().split(' ');
}

export async function stored(gw: TestGateway, response: string): Promise<Array<Message & { text: string }>> {
  const out: Array<Message & { text: string }> = [];
  for (const id of idsIn(response)) {
    const m = await gw.gateway.stores.messages.get(id);
    if (!m) throw new Error(`message ${id} is not in the store`);
    out.push({ ...m, text: textOf(m) });
  }
  return out;
}

/** What nodemailer reports when the server refuses: the reply code and the text a user would read. */
export async function refusal(p: Promise<unknown>): Promise<{ code: number; response: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { responseCode?: number; response?: string; message: string };
    return { code: err.responseCode ?? 0, response: err.response ?? err.message };
  }
  throw new Error('the server accepted what it should have refused');
}
