// As an operator runs it: `nowsms start --config` as its own process, with the gsm-modem plug-in on a
// socat pty to the modem simulator and, in the config, a small plug-in that subscribes to the modem-sms
// service for port 2948 and logs what the push receiver made of each push (what the gprs-mms plug-in
// will do with it instead). The simulator receives a two-segment MMS push and an SI push.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeDeliver } from '../../../core/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { startProcess, stopProcess, writeConfig } from '../../helpers/process.ts';
import { cleanup, modemRig, onCleanup, waitFor } from '../gsm-modem/rig.ts';
import { mmsPush, notification, siPush } from './push-pdus.ts';

afterEach(cleanup);

const PROBE = `
const receiver = new WapPushReceiver();
const pushProbe = {
  name: 'push-probe',
  needs: ['modem-sms'],
  setup(api) {
    api.service('modem-sms').onPortSms(WAP_PUSH_PORT, (sms) => {
      const out = receiver.fromPortSms(sms);
      api.log.info({ outcome: out.kind, tid: out.push?.tid, body: out.push?.body.toString('hex'), from: sms.from, counters: receiver.counters }, 'push-probe: a push');
    });
  },
};`;

interface ProbeLine {
  msg: string;
  outcome: string;
  tid?: number;
  body?: string;
  from: string;
  counters: Record<string, number>;
}

describe.skipIf(missingPeer('socat'))('WAP push in a gateway started with nowsms start', () => {
  it('a concatenated MMS push reaches the subscriber whole; an SI push is counted as not MMS', async () => {
    const rig = await modemRig();
    const config = await writeConfig({
      withoutEmail: true,
      imports: { '{ gsmModem }': 'plugins/gsm-modem/index.ts', '{ WapPushReceiver, WAP_PUSH_PORT }': 'plugins/gprs-mms/push/index.ts' },
      preamble: PROBE,
      plugins: [
        'pushProbe',
        `gsmModem({ id: 'modem1', path: ${JSON.stringify(rig.pair.gatewayPath)}, number: '+15550001111', pollSeconds: 1, commandTimeoutMs: 2000 })`,
      ],
    });
    const started = await startProcess(config);
    onCleanup(() => stopProcess(started.child, 'SIGKILL'));
    await rig.sim.waitForCommand(/^AT\+CNMI=/, 20_000);

    const body = notification('pm-wap-notification-1');
    const segments = encodeDeliver({ from: '+447700900123', data: mmsPush(body, 0x5a), ports: { source: 9200, destination: 2948 }, concatRef: 0x21 });
    expect(segments).toHaveLength(2);
    for (const s of [...segments].reverse()) rig.sim.deliverPdu(s.pdu);
    const [si] = encodeDeliver({ from: '+447700900124', data: siPush(), ports: { source: 9200, destination: 2948 } });

    const probes = () => started.lines.map((l) => JSON.parse(l) as ProbeLine).filter((l) => l.msg === 'push-probe: a push');
    const [mms] = await waitFor('the MMS push in the log', () => (probes().length === 1 ? probes() : undefined), 20_000);
    expect(mms).toMatchObject({ outcome: 'mms', tid: 0x5a, body: body.toString('hex'), from: '+447700900123' });

    rig.sim.deliverPdu(si!.pdu);
    const [, other] = await waitFor('the SI push in the log', () => (probes().length === 2 ? probes() : undefined), 20_000);
    expect(other).toMatchObject({ outcome: 'not-mms', from: '+447700900124', counters: { pushes: 2, mms: 1, notMms: 1 } });
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0);
  });
});
