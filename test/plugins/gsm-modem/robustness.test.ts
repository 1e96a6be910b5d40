// Modems misbehave: wrong PINs, silence, noise, reboots, unplugging, refusals. Each case here is one of the
// ways Gammu's and smstools3's users report their gateways hanging or losing messages.
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, gateway, mailer, modemPlugin, modemRig, statusOf, waitFor, waitForState } from './rig.ts';

afterEach(cleanup);

const ALICE = { name: 'alice', password: 'alice-pw', recipients: ['+15550002222'] };
const BOB = { name: 'bob', password: 'bob-pw' };
// Retries within a test's patience (the defaults wait 30 s).
const QUICK_RETRY = { retry: { maxAttempts: 5, firstDelaySeconds: 0.2, stepSeconds: 0.2, throttlePauseSeconds: 0.5 } };

async function mailbox(port: number, user: string, password: string, count: number) {
  return waitFor(`${count} mail(s) for ${user}`, async () => {
    const m = await fetchAll(port, user, password);
    return m.length >= count ? m : undefined;
  });
}

async function summaryOf(gw: Awaited<ReturnType<typeof gateway>>, user: string) {
  const [m] = await gw.gateway.stores.messages.list({ user, limit: 1 });
  return gw.gateway.stores.messages.summary(m!.id);
}

describe.skipIf(missingPeer('socat') || missingPeer('curl'))('gsm-modem robustness', () => {
  it('stops at a wrong PIN with a clear status, and never tries a second one', async () => {
    const rig = await modemRig({ pin: '1234' });
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { pin: '9999' })] });
    const s = await waitForState(gw, 'modem1', 'down');
    expect(s.detail).toBe('SIM PIN rejected: not retrying (2 attempts left); fix pin, then restart the gateway');
    // Long enough for several reconnect rounds, were there any.
    await new Promise((r) => setTimeout(r, 2000));
    expect(rig.sim.commands.filter((c) => /^AT\+CPIN=/i.test(c))).toHaveLength(1);
    expect(rig.sim.pinAttemptsLeft).toBe(2);
    expect(statusOf(gw, 'modem1').state).toBe('down');
  });

  it('enters the right PIN once and comes up', async () => {
    const rig = await modemRig({ pin: '1234' });
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { pin: '1234' })] });
    await waitForState(gw, 'modem1', 'up');
    expect(rig.sim.commands.filter((c) => /^AT\+CPIN=/i.test(c))).toEqual(['AT+CPIN="1234"']);
  });

  it('says what to set when the SIM wants a PIN and none is configured', async () => {
    const rig = await modemRig({ pin: '1234' });
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig)] });
    const s = await waitForState(gw, 'modem1', 'down');
    expect(s.detail).toMatch(/asks for its PIN: set pin/);
    expect(rig.sim.commands.some((c) => /^AT\+CPIN=/i.test(c))).toBe(false);
  });

  it('shows the registration wait, then comes up', async () => {
    const rig = await modemRig({ registrationDelayMs: 2500 });
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig)] });
    await waitForState(gw, 'modem1', 'starting', 5000, /waiting for network registration/);
    await waitForState(gw, 'modem1', 'up', 10_000);
  });

  it('holds sends while the network is lost and says so', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE], plugins: [modemPlugin('modem1', rig, { number: '+15550002222' })] });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.setRegistration(2);
    await waitForState(gw, 'modem1', 'retrying', 5000, /lost the network: waiting for network registration/);
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'when the network is back' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(rig.sim.sent).toHaveLength(0);
    rig.sim.setRegistration(1);
    await waitForState(gw, 'modem1', 'up', 5000, /storage SM/);
    const [s] = await rig.sim.waitForSent(1);
    expect(s!.decoded.text).toBe('when the network is back');
  });

  it('resets and recovers when the modem stops answering, and the message still goes out once', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE], config: QUICK_RETRY, plugins: [modemPlugin('modem1', rig, { number: '+15550002222' })] });
    await waitForState(gw, 'modem1', 'up');
    // The modem swallows the next send whole: no prompt, no answer.
    rig.sim.noAnswer('AT+CMGS', 1);
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'through a hang' });
    await waitFor('a reset', () => statusOf(gw, 'modem1').counters.resets! >= 1);
    await waitFor('the message to be sent', async () => (await summaryOf(gw, 'alice'))?.status === 'sent', 20_000);
    expect(rig.sim.sent.map((s) => s.decoded.text)).toEqual(['through a hang']);
    expect(statusOf(gw, 'modem1').state).toBe('up');
    const history = (await summaryOf(gw, 'alice'))!.history.map((h) => h.status);
    expect(history).toContain('retrying');
  });

  it('resets when a routine query goes unanswered, and keeps receiving', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [BOB], plugins: [modemPlugin('modem1', rig, { routeTo: 'bob' })] });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.noAnswer('AT+CREG?', 2);
    await waitFor('a reset', () => statusOf(gw, 'modem1').counters.resets! >= 1, 20_000);
    await waitForState(gw, 'modem1', 'up', 20_000);
    rig.sim.deliver({ from: '+447700900123', text: 'after the reset' });
    const [mail] = await mailbox(gw.pop3Port, 'bob', 'bob-pw', 1);
    expect(mail!.text!.trim()).toBe('after the reset');
  });

  it('is not confused by unsolicited lines and garbage everywhere', async () => {
    const rig = await modemRig({ noise: { probability: 0.6 }, seed: 7 });
    const gw = await gateway({
      users: [ALICE, BOB],
      config: QUICK_RETRY,
      plugins: [modemPlugin('modem1', rig, { number: '+15550002222', routeTo: 'bob', anyTraffic: true })],
    });
    await waitForState(gw, 'modem1', 'up');
    const m = mailer(gw, 'alice', 'alice-pw');
    for (let i = 0; i < 5; i++)
      await m.sendMail({ from: 'alice@example.org', to: `1555987654${i}@sms.localhost`, text: `out ${i} ${'✓'.repeat(i * 20)}`.trim() });
    for (let i = 0; i < 5; i++) {
      rig.sim.deliver({ from: `+44770090012${i}`, text: `in ${i} ${'long '.repeat(i * 15)}`.trim() });
      if (i === 2) rig.sim.garbage(40);
      rig.sim.unsolicited(3);
    }
    const mails = await mailbox(gw.pop3Port, 'bob', 'bob-pw', 5);
    expect(mails.map((x) => x.text!.trim()).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `in ${i} ${'long '.repeat(i * 15)}`.trim()).sort());
    await waitFor(
      'all five sent',
      async () => (await gw.gateway.stores.messages.list({ user: 'alice' })).filter((x) => x.status === 'sent').length === 5,
      20_000,
    );
    // Each message exactly once, its segments joined in order.
    for (let i = 0; i < 5; i++) {
      const segments = rig.sim.sent.filter((s) => s.decoded.destination.number === `+1555987654${i}`);
      expect(segments.map((s) => s.decoded.text).join('')).toBe(`out ${i} ${'✓'.repeat(i * 20)}`.trim());
    }
    expect(rig.sim.internalErrors).toEqual([]);
  });

  it('resets on a burst of garbage and recovers', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [BOB], plugins: [modemPlugin('modem1', rig, { routeTo: 'bob' })] });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.garbage(Buffer.from('\x01\x02\xff\r\n'.repeat(8), 'latin1'));
    await waitFor('a reset', () => statusOf(gw, 'modem1').counters.resets! >= 1);
    await waitForState(gw, 'modem1', 'up');
    expect(statusOf(gw, 'modem1').counters.garbage).toBeGreaterThanOrEqual(5);
    rig.sim.deliver({ from: '+447700900123', text: 'after the noise' });
    const [mail] = await mailbox(gw.pop3Port, 'bob', 'bob-pw', 1);
    expect(mail!.text!.trim()).toBe('after the noise');
  });

  it('reconnects when the port vanishes and comes back, with the status saying so', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE, BOB], plugins: [modemPlugin('modem1', rig, { number: '+15550002222', routeTo: 'bob' })] });
    await waitForState(gw, 'modem1', 'up');
    await rig.sim.vanish();
    const s = await waitForState(gw, 'modem1', 'retrying', 5000, /vanished|cannot open/);
    expect(s.detail).toMatch(/reconnecting in/);
    // Mail while the modem is gone waits in the queue.
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'sent after re-plugging' });
    await new Promise((r) => setTimeout(r, 1500));
    await waitFor('a failed reopen', () => /cannot open/.test(statusOf(gw, 'modem1').detail ?? ''));
    await rig.sim.reappear();
    await waitForState(gw, 'modem1', 'up', 15_000);
    const [sent] = await rig.sim.waitForSent(1, 15_000);
    expect(sent!.decoded.text).toBe('sent after re-plugging');
    rig.sim.deliver({ from: '+447700900123', text: 'received after re-plugging' });
    const [mail] = await mailbox(gw.pop3Port, 'bob', 'bob-pw', 1);
    expect(mail!.text!.trim()).toBe('received after re-plugging');
    expect(statusOf(gw, 'modem1').counters.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('re-initialises after the modem reboots on its own (indications come back)', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [BOB], plugins: [modemPlugin('modem1', rig, { routeTo: 'bob' })] });
    await waitForState(gw, 'modem1', 'up');
    await rig.sim.reboot();
    await waitFor('a reset', () => statusOf(gw, 'modem1').counters.resets! >= 1);
    await waitForState(gw, 'modem1', 'up');
    await waitFor('indications set again', () => rig.sim.settings.cnmi.mt === 1);
    rig.sim.deliver({ from: '+447700900123', text: 'after the reboot' });
    const [mail] = await mailbox(gw.pop3Port, 'bob', 'bob-pw', 1);
    expect(mail!.text!.trim()).toBe('after the reboot');
  });

  it('fails a message the network refuses for good, and retries one it refuses for now', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE], config: QUICK_RETRY, plugins: [modemPlugin('modem1', rig, { number: '+15550002222' })] });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.failNextSends(1, 1); // unassigned (unallocated) number
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'nobody there' });
    const failed = await waitFor('failed', async () => {
      const m = await summaryOf(gw, 'alice');
      return m?.status === 'failed' ? m : undefined;
    });
    expect(failed.history.at(-1)!.detail).toMatch(/\+CMS ERROR: 1 \(unassigned \(unallocated\) number\)/);

    rig.sim.failNextSends(2, 500);
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'try again' });
    await waitFor('sent after two failures', async () => (await summaryOf(gw, 'alice'))?.status === 'sent', 20_000);
    expect(rig.sim.rejectedSends).toHaveLength(3);
    expect(statusOf(gw, 'modem1').state).toBe('up');
  });

  it('resends only the segments that did not go out when a long message fails half way', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [ALICE], config: QUICK_RETRY, plugins: [modemPlugin('modem1', rig, { number: '+15550002222', sendsPerMinute: 60 })] });
    await waitForState(gw, 'modem1', 'up');
    const text = 'segment '.repeat(50).trim();
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text });
    await rig.sim.waitForSent(1);
    rig.sim.failNextSends(1, 500);
    const sent = await rig.sim.waitForSent(3, 15_000);
    await waitFor('sent', async () => (await summaryOf(gw, 'alice'))?.status === 'sent');
    expect(rig.sim.rejectedSends).toHaveLength(1);
    expect(sent.map((s) => s.decoded.udh?.concat?.seq)).toEqual([1, 2, 3]);
    expect(new Set(sent.map((s) => s.decoded.udh?.concat?.ref)).size).toBe(1);
    expect(sent.map((s) => s.decoded.text).join('')).toBe(text);
  });

  it('pauses on congestion without spending attempts', async () => {
    const rig = await modemRig();
    const gw = await gateway({
      users: [ALICE],
      config: { retry: { maxAttempts: 1, firstDelaySeconds: 0.2, stepSeconds: 0.2, throttlePauseSeconds: 0.5 } },
      plugins: [modemPlugin('modem1', rig, { number: '+15550002222' })],
    });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.failNextSends(1, 42);
    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'busy network' });
    // One attempt allowed: a throttle spends none, so the message waits to be tried again (the modem's pause
    // is its own throttlePauseSeconds, 30 s) instead of failing. The counter moves before the store records
    // the retry: wait for the status, not for the counter alone.
    await waitFor('throttled', () => statusOf(gw, 'modem1').counters.throttled === 1);
    const m = await waitFor('retrying', async () => {
      const s = await summaryOf(gw, 'alice');
      return s?.status === 'retrying' ? s : undefined;
    });
    expect(m.history.map((h) => h.status)).not.toContain('failed');
  });

  it('takes +CMT and +CDS delivered on the line, acknowledging them', async () => {
    const rig = await modemRig({ cnmaRequired: true });
    const gw = await gateway({
      users: [ALICE, BOB],
      plugins: [modemPlugin('modem1', rig, { number: '+15550002222', routeTo: 'bob', initString: 'AT+CNMI=2,2,0,1,0' })],
    });
    await waitForState(gw, 'modem1', 'up');
    rig.sim.deliver({ from: '+447700900123', text: 'first direct' });
    rig.sim.deliver({ from: '+447700900124', text: 'second direct' });
    const mails = await mailbox(gw.pop3Port, 'bob', 'bob-pw', 2);
    expect(mails.map((m) => m.text!.trim()).sort()).toEqual(['first direct', 'second direct']);
    expect(rig.sim.commands.filter((c) => /^AT\+CNMA/i.test(c)).length).toBeGreaterThanOrEqual(2);

    await mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559876543@sms.localhost', text: 'report me directly' });
    const [s] = await rig.sim.waitForSent(1);
    await waitFor('sent', async () => (await summaryOf(gw, 'alice'))?.status === 'sent');
    rig.sim.statusReport(s!.mr, { delivered: true });
    await waitFor('delivered', async () => (await summaryOf(gw, 'alice'))?.status === 'delivered');
    expect(rig.sim.heldInNetwork).toBe(0);
    expect(rig.sim.storedMessages()).toEqual([]);
  });

  it('delivers a long message with a segment missing after the reassembly timeout, marked incomplete', async () => {
    const rig = await modemRig();
    const gw = await gateway({ users: [BOB], plugins: [modemPlugin('modem1', rig, { routeTo: 'bob', reassemblyTimeoutSeconds: 1 })] });
    await waitForState(gw, 'modem1', 'up');
    // Three segments made, two delivered: the simulator's own deliver() would send all three.
    const { encodeDeliver } = await import('../../../core/index.ts');
    const pdus = encodeDeliver({ from: '+447700900123', text: 'part one. '.repeat(15) + 'part two. '.repeat(15), concatRef: 77, timestamp: new Date() });
    expect(pdus).toHaveLength(2);
    rig.sim.deliverPdu(pdus[0]!.pdu, { hasSmsc: true });
    const [mail] = await mailbox(gw.pop3Port, 'bob', 'bob-pw', 1);
    expect(mail!.text!.trim()).toMatch(/^part one\. .*\[…\]$/s);
    const [m] = await gw.gateway.stores.messages.list({ direction: 'MO' });
    const full = await gw.gateway.stores.messages.get(m!.id);
    expect(full!.meta).toMatchObject({ incomplete: true, missingSegments: [2] });
  });

  it('stops promptly while the modem is still starting', async () => {
    // Registration would take ten minutes: a stop that waited for it would outlive the test's timeout.
    const rig = await modemRig({ registrationDelayMs: 600_000 });
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig)] });
    await waitForState(gw, 'modem1', 'starting', 5000, /registration/);
    await gw.gateway.stop();
    expect(statusOf(gw, 'modem1').state).toBe('stopped');
  });
});
