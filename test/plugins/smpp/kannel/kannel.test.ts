// Kannel's bearerbox, a real SMPP client from Debian, bound to the gateway's SMPP server in transceiver
// mode. Both directions: Kannel sendsms -> our server -> a POP3 user's mailbox (fetched with curl), long,
// UCS-2 and binary messages too; a message sent on to an operator's SMSC whose delivery receipt comes back
// to Kannel, which matches it and calls its dlr-url; and an MO for the SMPP user -> Kannel -> Kannel's
// auto-reply -> back into the gateway as that user's submit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../../../core/index.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { smppClient } from '../../../../plugins/smpp/index.ts';
import { smppServer } from '../../../../plugins/smpp/server/index.ts';
import { SmscSimulator } from '../smsc-simulator/index.ts';
import { startTestGateway, type TestGateway } from '../../../helpers/gateway.ts';
import { missingPeer } from '../../../helpers/peers.ts';
import { fetchAll } from '../../../helpers/pop3-fetch.ts';
import { smppPort } from '../server/client.ts';
import { startKannel, type Kannel } from './kannel.ts';

const KANNEL_USER = { name: 'kannel', password: 'kpw', smppLogin: true, smtpLogin: false, recipients: ['+15550009999'] };
const POP3_USER = { name: 'carol', password: 'pw-carol', smtpLogin: true, recipients: ['+15550005555'] };
const PHONE = '+15550002222';
const AUTO_REPLY = 'Auto reply from Kannel';

const skip = missingPeer('bearerbox') || missingPeer('smsbox') || missingPeer('curl');

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string, logs: () => string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip)('Kannel bearerbox bound to the SMPP server', () => {
  let g: TestGateway;
  let kannel: Kannel | undefined;
  /** The operator's SMSC beyond the gateway: it accepts what the gateway sends on and reports it delivered. */
  let sim: SmscSimulator;

  beforeAll(async () => {
    sim = await SmscSimulator.start({ systemId: 'nowsms', password: 'secret', receipts: true });
    g = await startTestGateway({
      users: [KANNEL_USER, POP3_USER],
      plugins: [
        smppServer({ port: 0 }),
        smppClient({ id: 'operator', host: '127.0.0.1', port: sim.port, systemId: 'nowsms', password: 'secret', anyTraffic: true }),
      ],
    });
    kannel = await startKannel({ smppPort: smppPort(g), username: KANNEL_USER.name, password: KANNEL_USER.password, autoReply: AUTO_REPLY });
    await until(
      async () => g.gateway.status()['smpp-server']?.counters.bound ?? 0,
      (n) => n >= 1,
      'Kannel to bind',
      () => kannel!.logs(),
    );
  });

  afterAll(async () => {
    await kannel?.stop();
    await g?.stop();
    await sim?.stop();
  });

  it('takes a Kannel sendsms and routes it to a POP3 user', async () => {
    const answer = await kannel!.sendsms('15550004444', POP3_USER.recipients[0]!, 'Hello from Kannel sendsms');
    expect(answer.status).toBe(202);
    await until(
      () => g.gateway.stores.mailboxes.list('carol'),
      (l) => l.length === 1,
      'the message in carol’s mailbox',
      () => kannel!.logs(),
    );
    const [mail] = await fetchAll(g.pop3Port, POP3_USER.name, POP3_USER.password);
    expect(mail?.text?.trim()).toBe('Hello from Kannel sendsms');
    expect(mail?.from?.value[0]?.address).toBe('+15550004444@sms.localhost');
    const [summary] = await g.gateway.stores.messages.list({ user: 'kannel' });
    expect(summary).toMatchObject({ direction: 'MT', user: 'kannel', via: 'smpp-server', to: POP3_USER.recipients[0] });
  });

  it('takes from Kannel a long text in concatenated parts, a UCS-2 text and a binary message with a port header', async () => {
    const to = POP3_USER.recipients[0]!;
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' '); // 279 characters: two parts
    const unicode = 'Привет, мир 😀 ok';
    const before = (await g.gateway.stores.messages.list({ user: 'kannel' })).length;
    const answers = [
      await kannel!.sendsms('15550004445', to, long),
      // Kannel's coding=2: its text goes to the SMSC as UCS-2 (data_coding 8).
      await kannel!.sendsms('15550004446', to, unicode, { coding: '2', charset: 'UTF-8' }),
    ];
    // A binary message to WAP push port 2948: udh and text as octets, URL-encoded by hand (octets, not UTF-8).
    const octets = (hex: string) => hex.replace(/../g, '%$&');
    const { username, password } = kannel!.sendsmsUser;
    const q = `username=${username}&password=${password}&from=15550004447&to=%2B15550007777&coding=1&udh=${octets('0605040b8423f0')}&text=${octets('01060403ae81ea')}`;
    const res = await fetch(`http://127.0.0.1:${kannel!.sendsmsPort}/cgi-bin/sendsms?${q}`);
    answers.push({ status: res.status, body: await res.text() });
    expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual(Array(3).fill('202 0: Accepted for delivery'));
    const list = await until(
      () => g.gateway.stores.messages.list({ user: 'kannel' }),
      (l) => l.length >= before + 3,
      'the three messages from Kannel',
      () => kannel!.logs(),
    );
    const full = await Promise.all(list.map((s) => g.gateway.stores.messages.get(s.id)));
    const by = (from: string) => full.find((m) => m?.from === from)!;
    // The two parts are one message again.
    expect(textOf(by('+15550004445'))).toBe(long);
    expect(textOf(by('+15550004446'))).toBe(unicode);
    const binary = by('+15550004447');
    expect(binary.parts.map((p) => [p.contentType, p.data.toString('hex')])).toEqual([['application/octet-stream', '01060403ae81ea']]);
    expect(binary.meta.sms).toMatchObject({ coding: '8bit', ports: { source: 9200, destination: 2948 } });
  });

  it("reports delivery to Kannel as it understands it: Kannel matches the gateway's receipt and calls its dlr-url", async () => {
    const calls: string[] = [];
    const receiver: Server = createServer((req, res) => {
      calls.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const dlrUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dlr?type=%d&to=%p`;
      // dlr-mask 1: delivered only. Kannel asks the gateway (registered_delivery), the gateway sends the
      // message on to the operator, the operator reports it delivered, the gateway tells Kannel.
      const answer = await kannel!.sendsms('15550004448', '447700900555', 'tell me when it arrives', { 'dlr-mask': '1', 'dlr-url': dlrUrl });
      expect(answer.status).toBe(202);
      await until(
        async () => calls.length,
        (n) => n >= 1,
        'Kannel to call its dlr-url',
        () => kannel!.logs(),
      );
      const q = new URL(calls[0]!, 'http://x').searchParams;
      expect([q.get('type'), q.get('to')]).toEqual(['1', '447700900555']);
      expect(sim.messages().some((m) => m.text === 'tell me when it arrives')).toBe(true);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('delivers an MO to Kannel and takes its auto-reply back as the SMPP user’s submit', async () => {
    await g.inject(PHONE, KANNEL_USER.recipients[0]!, 'hello kannel');
    const reply = await until(
      async () => (await g.gateway.stores.messages.list({ user: 'kannel', direction: 'MT' })).filter((m) => m.to === PHONE),
      (l) => l.length === 1,
      'Kannel’s auto-reply',
      () => kannel!.logs(),
    );
    const m = (await g.gateway.stores.messages.get(reply[0]!.id))!;
    expect(textOf(m)).toBe(AUTO_REPLY);
    expect(m).toMatchObject({ direction: 'MT', user: 'kannel', via: 'smpp-server', to: PHONE });
    // The MO left the mailbox once Kannel acknowledged it.
    expect(await g.gateway.stores.mailboxes.list('kannel')).toEqual([]);
  });
});
