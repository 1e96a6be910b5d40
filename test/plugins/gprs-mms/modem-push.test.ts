// Through the real gsm-modem plug-in: the socat modem simulator receives WAP push SMS-DELIVERs (a
// concatenated MMS push out of order with a segment repeated, then a Service Indication); the modem
// stores them and hands them to a subscriber of the modem-sms service, which feeds the push receiver.
// The subscriber imports nothing of the modem plug-in: only the service, as the gprs-mms plug-in will.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeDeliver, type NowsmsPlugin } from '../../../core/index.ts';
import { WAP_PUSH_PORT, WapPushReceiver, type PushOutcome } from '../../../plugins/gprs-mms/push/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, gateway, modemPlugin, modemRig, waitFor, waitForState } from '../gsm-modem/rig.ts';
import { vector } from '../../core/codecs/pdu/sms-vectors.ts';
import { APP_ID_MMS, CT_MMS, notification, push, siPush, text } from './push-pdus.ts';

afterEach(cleanup);

function pushListener(receiver: WapPushReceiver, outcomes: PushOutcome[]): NowsmsPlugin {
  return {
    name: 'push-listener',
    needs: ['modem-sms'],
    setup(api) {
      api.service('modem-sms').onPortSms(WAP_PUSH_PORT, (sms) => {
        outcomes.push(receiver.fromPortSms(sms));
      });
    },
  };
}

describe.skipIf(missingPeer('socat'))('WAP push through the gsm-modem plug-in', () => {
  it('a three-segment MMS push, out of order with a repeat, reaches the receiver once and whole; an SI push is counted and ignored', async () => {
    const rig = await modemRig();
    const receiver = new WapPushReceiver();
    const outcomes: PushOutcome[] = [];
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { number: '+15550001111' }), pushListener(receiver, outcomes)] });
    await waitForState(gw, 'modem1', 'up');

    const body = notification('nuntium-m-notification.ind_success');
    const initiator = Buffer.concat([Buffer.from([0xb7]), text(`http://mmsc.example/${'i'.repeat(150)}`)]);
    const data = push({ tid: 0x33, contentType: CT_MMS, headers: [APP_ID_MMS, initiator], body });
    const pdus = encodeDeliver({ from: '+447700900123', data, ports: { source: 9200, destination: 2948 }, concat16: true, concatRef: 0x1234 });
    expect(pdus).toHaveLength(3);
    for (const i of [2, 0, 2, 1]) rig.sim.deliverPdu(pdus[i]!.pdu);

    await waitFor('the push at the receiver', () => outcomes.length >= 1);
    const out = outcomes[0]!;
    expect(out.kind).toBe('mms');
    if (out.kind !== 'mms') return;
    expect(out.push).toMatchObject({ tid: 0x33, pduType: 'push', contentType: 'application/vnd.wap.mms-message', applicationId: 'x-wap-application:mms.ua' });
    expect(out.push.body.equals(body)).toBe(true);
    expect(out.push.body.toString('latin1')).toContain('http://localhost:9191/mms');
    expect(out.sms).toMatchObject({ from: '+447700900123', to: '+15550001111', via: 'modem1' });
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0);

    const [si] = encodeDeliver({ from: '+447700900124', data: siPush(), ports: { source: 9200, destination: 2948 } });
    rig.sim.deliverPdu(si!.pdu);
    await waitFor('the SI push at the receiver', () => outcomes.length === 2);
    expect(outcomes[1]!.kind).toBe('not-mms');
    // The repeated segment made no second push.
    expect(outcomes).toHaveLength(2);
    expect(receiver.counters).toEqual({ pushes: 2, mms: 1, notMms: 1, malformed: 0, incomplete: 0 });
  });

  it('pushes captured from a live network (two SMS each, python-messaging), delivered last segment first, give their m-notification-ind', async () => {
    const rig = await modemRig();
    const receiver = new WapPushReceiver();
    const outcomes: PushOutcome[] = [];
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { number: '+15550001111' }), pushListener(receiver, outcomes)] });
    await waitForState(gw, 'modem1', 'up');

    const pairs = [
      { sms: ['sms-031', 'sms-030'], mms: 'pm-wap-notification-1' },
      { sms: ['sms-033', 'sms-032'], mms: 'pm-wap-notification-2' },
    ];
    for (const [i, pair] of pairs.entries()) {
      for (const id of pair.sms) rig.sim.deliverPdu(vector(id).pdu, { hasSmsc: vector(id).pdu_has_smsc });
      await waitFor(`push ${i + 1} at the receiver`, () => outcomes.length === i + 1);
      const out = outcomes[i]!;
      expect(out.kind).toBe('mms');
      if (out.kind !== 'mms') return;
      expect(out.push).toMatchObject({ tid: 1, pduType: 'push', contentType: 'application/vnd.wap.mms-message', applicationId: 'x-wap-application:mms.ua' });
      expect(out.push.body.equals(notification(pair.mms))).toBe(true);
    }
    expect(receiver.counters).toEqual({ pushes: 2, mms: 2, notMms: 0, malformed: 0, incomplete: 0 });
  });
});
