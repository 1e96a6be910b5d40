// An operator whose MMS notifications come over an SMPP bind rather than the modem's SIM: the SMSC simulator
// sends the WAP push as two deliver_sm (the second first) to the SMPP client connection, which `pushFrom`
// lists; the gprs-mms plug-in claims the joined push and fetches the MMS over MM1 as it does for the modem's.
import { afterEach, describe, expect, it } from 'vitest';
import { missingPeer } from '../../helpers/peers.ts';
import { startHarness, waitFor, type Harness } from '../smpp/client/harness.ts';
import { cleanup, modemPlugin, modemRig, onCleanup, statusOf } from '../gsm-modem/rig.ts';
import { gprsMms } from '../../../plugins/gprs-mms/index.ts';
import { HttpProxy, Mm1Mmsc } from './mm1-simulator/index.ts';
import { FAST_MM1, JPEG, details } from './mm1-rig.ts';

afterEach(cleanup);

const addresses = { source_addr_ton: 1, source_addr_npi: 1, source_addr: '6245', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '15550001111' };

describe.skipIf(missingPeer('socat'))('gprs-mms: WAP pushes from an SMPP client connection in pushFrom', () => {
  it('a push arriving as two deliver_sm is claimed, the MMS fetched once into the route-to mailbox, the MMSC told', async () => {
    const mmsc = await Mm1Mmsc.start();
    onCleanup(() => mmsc.stop());
    const proxy = await HttpProxy.start();
    onCleanup(() => proxy.stop());
    const modem = await modemRig();
    const h: Harness = await startHarness({
      users: [
        { name: 'alice', password: 'alice-pw' },
        { name: 'bob', password: 'bob-pw', recipients: ['+15550001111'] },
      ],
      gateway: {
        plugins: [
          modemPlugin('modem1', modem, { number: '+15550001111' }),
          gprsMms({ mmscUrl: mmsc.url, proxy: proxy.hostPort, routeTo: 'alice', pushFrom: ['modem1', 'smsc'], ...FAST_MM1 }),
        ],
      },
    });
    onCleanup(() => h.stop());

    // A long subject makes the notification two SMS.
    const subject = `Via SMPP: ${'a long subject '.repeat(8)}`;
    const held = mmsc.hold({
      from: '+4790000001',
      to: '+15550001111',
      subject,
      parts: [
        { contentType: 'text/plain; charset=utf-8', data: Buffer.from('hello') },
        { contentType: 'image/jpeg', data: JPEG },
      ],
    });
    const segments = mmsc.pushSms(held.notification, { concatRef: 0x5b }).segments;
    expect(segments).toHaveLength(2);
    // The user data header is in the short message: UDHI, 8-bit data.
    for (const ud of [...segments].reverse()) expect(await h.sim.deliver({ ...addresses, esm_class: 0x40, data_coding: 0x04, short_message: ud })).toBe(0);

    const stores = h.gw.gateway.stores;
    const push = await waitFor('the push sent or failed', async () => {
      const p = (await stores.messages.list({ direction: 'MO' })).find((m) => m.kind === 'sms');
      return p && (p.status === 'sent' || p.status === 'failed') ? p : undefined;
    });
    expect(push.via).toBe('smsc');
    expect(push.target).toEqual({ kind: 'connection', id: 'modem1-mms' });
    expect(push.status).toBe('sent');
    expect(details(push, 'sent')[0]).toMatch(/fetched \d+ octets, stored as \S+; the MMSC was told \(retrieved\)/);

    expect(held.retrievals).toBe(1);
    expect(mmsc.requests.find((r) => r.method === 'GET')?.viaProxy).toBe(true);
    await mmsc.waitForNotifyResps(1);
    expect(mmsc.notifyResps).toMatchObject([{ messageType: 'm-notifyresp-ind', transactionId: held.transactionId, status: 'retrieved' }]);
    const [entry, ...more] = await stores.mailboxes.list('alice');
    expect(more).toHaveLength(0);
    const mms = (await stores.messages.get(entry!.messageId))!;
    expect(mms).toMatchObject({ kind: 'mms', from: '+4790000001', subject, via: 'modem1-mms' });
    expect(mms.parts.find((p) => p.contentType.startsWith('image/jpeg'))?.data.equals(JPEG)).toBe(true);
    // Not bob's, though the push was addressed to his number.
    expect(await stores.mailboxes.list('bob')).toHaveLength(0);
    expect(statusOf(h.gw, 'modem1-mms').counters).toMatchObject({ pushMms: 1, retrieved: 1 });
  });
});
