// The modem's SMS side as a service for other plug-ins (modem-sms), and the port-addressed SMS a GPRS MMS
// plug-in depends on: a WAP push for an MMS (two concatenated 8-bit SMS-DELIVERs to port 2948, taken from
// the shared vectors) is stored as one binary message with its ports and reaches a subscriber; a long
// binary SMS sent through the service leaves as SMS-SUBMITs that each carry the port header.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePdu, type NowsmsPlugin, type PortSms, type ModemSmsService } from '../../../core/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { vector } from '../../core/codecs/pdu/sms-vectors.ts';
import { cleanup, gateway, modemPlugin, modemRig, waitFor, waitForState } from './rig.ts';

afterEach(cleanup);

const PY = '/usr/bin/python3';
const gammuImportable = spawnSync(PY, ['-c', 'import gammu'], { stdio: 'ignore' }).status === 0;

/** A plug-in that only knows the service: it imports nothing of the modem plug-in. */
function wapListener(received: PortSms[], services: ModemSmsService[]): NowsmsPlugin {
  return {
    name: 'wap-listener',
    needs: ['modem-sms'],
    setup(api) {
      const svc = api.service('modem-sms');
      services.push(svc);
      svc.onPortSms(2948, (sms) => {
        received.push(sms);
      });
    },
  };
}

describe.skipIf(missingPeer('socat'))('modem-sms service', () => {
  it('a WAP push (two 8-bit segments to port 2948) is stored with its ports and reaches the subscriber whole', async () => {
    const rig = await modemRig();
    const received: PortSms[] = [];
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { number: '+15550001111' }), wapListener(received, [])] });
    await waitForState(gw, 'modem1', 'up');

    const parts = [vector('sms-030'), vector('sms-031')];
    for (const v of parts) rig.sim.deliverPdu(v.pdu, { hasSmsc: v.pdu_has_smsc });
    const [push] = await waitFor('the push at the subscriber', () => (received.length === 1 ? received : undefined));

    const bodies = parts.map((v) => (decodePdu(v.pdu, { hasSmsc: v.pdu_has_smsc }) as { data: Buffer }).data);
    expect(push!.data.equals(Buffer.concat(bodies))).toBe(true);
    // WSP push: transaction id, PDU type 0x06 (push), then the MMS content type.
    expect(push!.data.subarray(0, 2).toString('hex')).toBe('0106');
    expect(push!.data.toString('latin1')).toContain('application/vnd.wap.mms-message');
    expect(push!.sms.ports).toEqual({ source: 9200, destination: 2948 });
    expect(push).toMatchObject({ modem: 'modem1', to: '+15550001111' });

    const stored = (await gw.gateway.stores.messages.get(push!.id))!;
    expect(stored).toMatchObject({ direction: 'MO', kind: 'sms', via: 'modem1' });
    expect(stored.parts).toHaveLength(1);
    expect(stored.parts[0]!.contentType).toBe('application/octet-stream');
    expect(stored.parts[0]!.data.equals(push!.data)).toBe(true);
    expect(stored.meta.sms).toMatchObject({ coding: '8bit', ports: { source: 9200, destination: 2948 } });
    await waitFor('the SIM to be empty', () => rig.sim.storedMessages().length === 0);
  });

  it('a long binary SMS sent through the service leaves as 8-bit SMS-SUBMITs, each with the concatenation and port elements', async () => {
    const rig = await modemRig();
    const services: ModemSmsService[] = [];
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { number: '+15550001111' }), wapListener([], services)] });
    await waitForState(gw, 'modem1', 'up');

    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const result = await services[0]!.sendBinary({ to: '+447700900123', data, sms: { ports: { source: 9200, destination: 2948 }, receipt: 'none' } });
    expect(result.remoteIds).toHaveLength(3);
    const sent = await rig.sim.waitForSent(3);
    const decoded = sent.map((s) => s.decoded);
    for (const [i, d] of decoded.entries()) {
      expect(d.destination.number).toBe('+447700900123');
      expect(d.dcs.encoding).toBe('8bit');
      expect(d.statusReportRequest).toBe(false);
      expect(d.udh?.ports).toEqual({ source: 9200, destination: 2948, bits: 16 });
      expect(d.udh?.concat).toMatchObject({ total: 3, seq: i + 1, ref: decoded[0]!.udh!.concat!.ref });
    }
    expect(Buffer.concat(decoded.map((d) => d.data)).equals(data)).toBe(true);

    if (!gammuImportable) {
      if (process.env.NOWSMS_REQUIRE_PEERS === '1') throw new Error('python3-gammu is required (NOWSMS_REQUIRE_PEERS=1)');
      console.warn('skipping the libgammu cross-check: python3-gammu not installed');
      return;
    }
    const script = `
import gammu, json, sys
out = []
for pdu in json.load(sys.stdin):
    d = gammu.DecodePDU(bytes.fromhex(pdu), SMSC=True)
    out.append({'coding': d['Coding'], 'udh': d['UDH']['Text'].hex(), 'part': d['UDH']['PartNumber'], 'parts': d['UDH']['AllParts'], 'text': d['Text'].hex()})
json.dump(out, sys.stdout)
`;
    const run = spawnSync(PY, ['-c', script], { input: JSON.stringify(sent.map((s) => s.pdu)), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const views = JSON.parse(run.stdout) as { coding: string; udh: string; part: number; parts: number; text: string }[];
    const ref = decoded[0]!.udh!.concat!.ref.toString(16).padStart(2, '0');
    expect(views.map((v) => [v.coding, v.udh, v.part, v.parts])).toEqual([1, 2, 3].map((n) => ['8bit', `0b05040b8423f00003${ref}030${n}`, n, 3]));
    expect(Buffer.from(views.map((v) => v.text).join(''), 'hex').equals(data)).toBe(true);
  });

  it('a binary MT with ports routed to the modem goes out with them; an MMS never goes to the modem', async () => {
    const rig = await modemRig();
    const gw = await gateway({ plugins: [modemPlugin('modem1', rig, { anyTraffic: true })] });
    await waitForState(gw, 'modem1', 'up');
    const [bin, mms] = await gw.gateway.submit([
      {
        direction: 'MT',
        kind: 'sms',
        from: '+15550001111',
        to: '+447700900124',
        parts: [{ contentType: 'application/octet-stream', data: Buffer.from('c0ffee', 'hex') }],
        meta: { sms: { coding: '8bit', messageClass: 1, ports: { source: 0, destination: 5499 } } },
      },
      {
        direction: 'MT',
        kind: 'mms',
        from: '+15550001111',
        to: '+447700900124',
        parts: [{ contentType: 'image/png', data: Buffer.from([0x89, 0x50]) }],
      },
    ]);
    expect(bin!.target).toEqual({ kind: 'connection', id: 'modem1' });
    expect(mms!.target).toBeUndefined();
    const [s] = await rig.sim.waitForSent(1);
    expect(s!.decoded.udh?.ports).toEqual({ source: 0, destination: 5499, bits: 16 });
    expect(s!.decoded.dcs).toMatchObject({ encoding: '8bit', messageClass: 1 });
    expect(s!.decoded.data.toString('hex')).toBe('c0ffee');
    const summary = (await gw.gateway.stores.messages.summary(mms!.id))!;
    expect(summary.status).toBe('no-route');
    expect(summary.history.at(-1)!.detail).toMatch(/modem1 carries text SMS, binary SMS, not MMS/);
  });
});
