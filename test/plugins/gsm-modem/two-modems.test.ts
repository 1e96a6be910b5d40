// Several modems at once, one plug-in each: outbound mail picks its modem by the sender's number, and what
// each modem receives goes to its own route-to user, long messages included.
import { afterEach, describe, expect, it } from 'vitest';
import { fetchAll } from '../../helpers/pop3-fetch.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, gateway, mailer, modemPlugin, modemRig, statusOf, waitFor, waitForState } from './rig.ts';

afterEach(cleanup);

describe.skipIf(missingPeer('socat') || missingPeer('curl'))('two modems at once', () => {
  it("sends through the modem whose number is the sender, and receives into each modem's user", async () => {
    const one = await modemRig();
    const two = await modemRig({ firstMr: 100 });
    const gw = await gateway({
      users: [
        { name: 'alice', password: 'alice-pw', recipients: ['+15550001111'] },
        { name: 'bob', password: 'bob-pw', recipients: ['+15550002222'] },
      ],
      plugins: [
        modemPlugin('modem1', one, { number: '+15550001111', routeTo: 'alice' }),
        modemPlugin('modem2', two, { number: '+15550002222', routeTo: 'bob' }),
      ],
    });
    await Promise.all([waitForState(gw, 'modem1', 'up'), waitForState(gw, 'modem2', 'up')]);

    await Promise.all([
      mailer(gw, 'alice', 'alice-pw').sendMail({ from: 'alice@example.org', to: '15559870001@sms.localhost', text: 'from alice' }),
      mailer(gw, 'bob', 'bob-pw').sendMail({ from: 'bob@example.org', to: '15559870002@sms.localhost', text: 'from bob ' + 'ß'.repeat(200) }),
    ]);
    const [a] = await one.sim.waitForSent(1);
    const b = await two.sim.waitForSent(2);
    expect(a!.decoded.text).toBe('from alice');
    expect(b.map((s) => s.decoded.text).join('')).toBe('from bob ' + 'ß'.repeat(200));
    await new Promise((r) => setTimeout(r, 300));
    expect(one.sim.sent).toHaveLength(1);
    expect(two.sim.sent).toHaveLength(2);

    // The same sender, the same concatenation reference, on both modems at once: two messages, not one.
    const long = (who: string) => `${who}: ` + 'segment text '.repeat(20);
    one.sim.deliver({ from: '+447700900123', text: long('one'), concat: { ref: 9 } });
    two.sim.deliver({ from: '+447700900123', text: long('two'), concat: { ref: 9 } });
    const [forAlice] = await waitFor("alice's mail", async () =>
      (await fetchAll(gw.pop3Port, 'alice', 'alice-pw')).length ? fetchAll(gw.pop3Port, 'alice', 'alice-pw') : undefined,
    );
    const [forBob] = await waitFor("bob's mail", async () =>
      (await fetchAll(gw.pop3Port, 'bob', 'bob-pw')).length ? fetchAll(gw.pop3Port, 'bob', 'bob-pw') : undefined,
    );
    expect(forAlice!.text!.trim()).toBe(long('one').trim());
    expect(forBob!.text!.trim()).toBe(long('two').trim());
    expect(statusOf(gw, 'modem1').counters.received).toBe(1);
    expect(statusOf(gw, 'modem2').counters.received).toBe(1);
  });

  it('keeps the other modem working while one is unplugged', async () => {
    const one = await modemRig();
    const two = await modemRig();
    const gw = await gateway({
      users: [
        { name: 'alice', password: 'alice-pw', recipients: ['+15550001111'] },
        { name: 'bob', password: 'bob-pw' },
      ],
      plugins: [modemPlugin('modem1', one, { number: '+15550001111', routeTo: 'bob' }), modemPlugin('modem2', two, { number: '+15550002222', routeTo: 'bob' })],
    });
    await Promise.all([waitForState(gw, 'modem1', 'up'), waitForState(gw, 'modem2', 'up')]);
    await one.sim.vanish();
    await waitForState(gw, 'modem1', 'retrying');
    two.sim.deliver({ from: '+447700900123', text: 'still here' });
    const [mail] = await waitFor("bob's mail", async () => {
      const m = await fetchAll(gw.pop3Port, 'bob', 'bob-pw');
      return m.length ? m : undefined;
    });
    expect(mail!.text!.trim()).toBe('still here');
    expect(statusOf(gw, 'modem2').state).toBe('up');
  });
});
