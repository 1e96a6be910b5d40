// The stories end to end: e-mail in over SMTP -> the modem simulator gets the right PDUs; an SMS
// the simulator receives -> the route-to user's mailbox -> POP3 (curl); a status report -> the sent
// message's status.
import { afterEach, describe, expect, it } from 'vitest';
import { decodePdu } from '../../../core/index.ts';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, gateway, mailer, modemPlugin, modemRig, statusOf, waitFor, waitForState } from './rig.ts';

afterEach(cleanup);

const ALICE = { name: 'alice', password: 'alice-pw', recipients: ['+15550002222'] };

describe.skipIf(missingPeer('socat') || missingPeer('curl'))('gsm-modem end to end', () => {
  it('sends a 3-part UCS-2 message with emoji as three concatenated SMS-SUBMITs', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE], plugins: [modemPlugin('modem1', rig, { number: '+15550002222' })] });
    await waitForState(gw, 'modem1', 'up');

    const text = ('Grüße aus Köln 🎉 ' + 'Ünïcödé 😀 текст '.repeat(9)).trim();
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text });

    const sent = await rig.sim.waitForSent(3, 15_000);
    expect(sent).toHaveLength(3);
    const parts = sent.map((s) => s.decoded);
    for (const [i, p] of parts.entries()) {
      expect(p.destination.number).toBe('+15559876543');
      expect(p.dcs.encoding).toBe('ucs2');
      expect(p.statusReportRequest).toBe(true);
      expect(p.udh?.concat).toMatchObject({ total: 3, seq: i + 1, ref: parts[0]!.udh!.concat!.ref });
    }
    expect(parts.map((p) => p.text).join('')).toBe(text);

    const [summary] = await gw.gateway.stores.messages.list({ user: 'alice', limit: 1 });
    await waitFor('the message to be sent', async () => (await gw.gateway.stores.messages.summary(summary!.id))?.status === 'sent');
    expect(statusOf(gw, 'modem1').counters.smsSent).toBe(3);

    // Every segment's report must be in before the message counts as delivered.
    for (const s of sent.slice(0, 2)) rig.sim.statusReport(s.mr, { delivered: true });
    await waitFor('two reports applied', () => statusOf(gw, 'modem1').counters.reports! >= 2);
    expect((await gw.gateway.stores.messages.summary(summary!.id))!.status).toBe('sent');
    rig.sim.statusReport(sent[2]!.mr, { delivered: true });
    await waitFor('the message to be delivered', async () => (await gw.gateway.stores.messages.summary(summary!.id))?.status === 'delivered');
    // Reports are deleted from the SIM once applied.
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0);
  });

  it('with a SIM that keeps no messages, receives through the phone memory ("ME") and leaves nothing there', async () => {
    const rig = await modemRig({ stores: ['ME'] });
    const gw = await gateway({
      users: [{ name: 'bob', password: 'bob-pw' }],
      plugins: [modemPlugin('modem1', rig, { number: '+15550001111', routeTo: 'bob' })],
    });
    await waitForState(gw, 'modem1', 'up', 15_000, /storage ME/);
    expect(rig.sim.settings.cpms).toEqual(['ME', 'ME', 'ME']);
    rig.sim.deliver({ from: '+447700900123', text: 'Kept in the phone' });
    const mails = await waitFor('a mail for bob', async () => {
      const m = await fetchAll(gw.pop3Port, 'bob', 'bob-pw');
      return m.length >= 1 ? m : undefined;
    });
    expect(mails[0]!.text!.trim()).toBe('Kept in the phone');
    await waitFor('the phone memory to be empty', () => rig.sim.storedMessages().length === 0);
    expect(rig.sim.commands).toContain('AT+CPMS="ME","ME","ME"');
  });

  it('routes every SMS the modem receives to its route-to user, who reads it over POP3', async () => {
    const rig = await modemRig();
    const gw = await gateway({
      users: [ALICE, { name: 'bob', password: 'bob-pw' }],
      plugins: [modemPlugin('modem1', rig, { number: '+15550001111', routeTo: 'bob' })],
    });
    await waitForState(gw, 'modem1', 'up');

    rig.sim.deliver({ from: '+447700900123', text: 'Short one' });
    const long = 'Long and Unicode: 東京タワー 🗼 '.repeat(8);
    rig.sim.deliver({ from: '+447700900124', text: long });

    const mails = await waitFor('two mails for bob', async () => {
      const m = await fetchAll(gw.pop3Port, 'bob', 'bob-pw');
      return m.length >= 2 ? m : undefined;
    });
    const byFrom = new Map(mails.map((m) => [m.from!.value[0]!.address, m.text!.trim()]));
    expect(byFrom.get('+447700900123@sms.localhost')).toBe('Short one');
    expect(byFrom.get('+447700900124@sms.localhost')).toBe(long.trim());
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0);
    const received = await gw.gateway.stores.messages.list({ direction: 'MO' });
    expect(received).toHaveLength(2);
    expect(received.every((m) => m.via === 'modem1' && m.to === '+15550001111')).toBe(true);
  });

  it('without a route-to user, received SMS go through the normal routing (recipient addresses)', async () => {
    const rig = await modemRig();
    const gw = await gateway({
      users: [{ name: 'carol', password: 'carol-pw', recipients: ['+15550003333'] }],
      plugins: [modemPlugin('modem1', rig, { number: '+15550003333' })],
    });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.deliver({ from: '+447700900125', text: 'for carol by number' });
    const [mail] = await waitFor('a mail for carol', async () => {
      const m = await fetchAll(gw.pop3Port, 'carol', 'carol-pw');
      return m.length ? m : undefined;
    });
    expect(mail!.text!.trim()).toBe('for carol by number');
  });

  it('leaves a message on the SIM while its route-to user does not exist', async () => {
    const rig = await modemRig();
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { number: '+15550001111', routeTo: 'ghost' })] });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.deliver({ from: '+447700900123', text: 'nobody home' });
    await waitFor('the gateway to refuse it', () => statusOf(gw, 'modem1').counters.kept! >= 1);
    // Several polls later it is still there, not deleted and not lost.
    await new Promise((r) => setTimeout(r, 2500));
    expect(rig.sim.storedMessages()).toHaveLength(1);
    expect(await gw.gateway.stores.messages.list({ direction: 'MO' })).toEqual([]);
  });

  it('reads what was already on the SIM at start-up (AT+CMGL=4)', async () => {
    const rig = await modemRig();
    // Delivered before the gateway runs: the simulator stores it (its CNMI is not set yet, so no indication).
    rig.sim.deliver({ from: '+447700900126', text: 'waiting on the SIM' });
    expect(rig.sim.storedMessages()).toHaveLength(1);
    const gw = await gateway({
      users: [{ name: 'bob', password: 'bob-pw' }],
      plugins: [modemPlugin('modem1', rig, { number: '+15550001111', routeTo: 'bob' })],
    });
    const [mail] = await waitFor("the stored message in bob's mailbox", async () => {
      const m = await fetchAll(gw.pop3Port, 'bob', 'bob-pw');
      return m.length ? m : undefined;
    });
    expect(mail!.text!.trim()).toBe('waiting on the SIM');
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0);
  });

  it('marks a message undeliverable on a failed status report', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE], plugins: [modemPlugin('modem1', rig, { number: '+15550002222' })] });
    await waitForState(gw, 'modem1', 'up');
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'will expire' });
    const [s] = await rig.sim.waitForSent(1);
    const [summary] = await gw.gateway.stores.messages.list({ user: 'alice', limit: 1 });
    await waitFor('sent', async () => (await gw.gateway.stores.messages.summary(summary!.id))?.status === 'sent');
    rig.sim.statusReport(s!.mr, { delivered: false });
    const done = await waitFor('undeliverable', async () => {
      const m = await gw.gateway.stores.messages.summary(summary!.id);
      return m?.status === 'undeliverable' ? m : undefined;
    });
    expect(done.history.at(-1)!.detail).toMatch(/validity period expired/);
  });

  it('sends the text the mail carried, in GSM 7-bit when it can', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE], plugins: [modemPlugin('modem1', rig, { number: '+15550002222' })] });
    await waitForState(gw, 'modem1', 'up');
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', subject: 'Hi', text: 'plain [text] €5' });
    const [s] = await rig.sim.waitForSent(1);
    const d = decodePdu(s!.pdu, { direction: 'mo' });
    expect(d.type === 'submit' && d.dcs.encoding).toBe('gsm7');
    expect(s!.decoded.text).toBe('Hi\nplain [text] €5');
    expect(s!.decoded.validity).toMatchObject({ format: 'relative', minutes: 1440 });
  });
});
