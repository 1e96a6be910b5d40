// The outbound MM7 connection against the MMSC simulator (written from TS 23.140, sharing no code with the
// product): every SubmitReq it sends is valid MM7 in the configured release, and what the MMSC answers
// decides what becomes of the MMS: a permanent status fails it after one attempt, a temporary status,
// HTTP 500, a dropped connection, a slow answer and a Server fault are tried again until it goes, and the
// MMSC's own delivery report (sent back to the gateway's MM7 endpoint) marks it delivered.
import { afterEach, describe, expect, it } from 'vitest';
import type { Part } from '../../../core/index.ts';
import { mm7Client, mm7Server, type Mm7ClientOptions } from '../../../plugins/mmsc-vasp/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { waitFor } from '../../helpers/wait.ts';
import { MmscSimulator, type Answer } from './mmsc-simulator/index.ts';

const FAST_RETRY = { maxAttempts: 10, firstDelaySeconds: 0.05, stepSeconds: 0.05, throttlePauseSeconds: 0.05 };
const PHOTO = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('ffd9', 'hex')]);
const PARTS: Part[] = [
  { contentType: 'text/plain; charset=utf-8', contentId: 'txt', data: Buffer.from('Look ✓') },
  { contentType: 'image/jpeg', contentId: 'img', name: 'photo.jpg', data: PHOTO },
  {
    contentType: 'application/smil',
    contentId: 'smil',
    data: Buffer.from('<smil><body><par><img src="cid:img"/><text src="cid:txt"/></par></body></smil>'),
  },
];

let sim: MmscSimulator | undefined;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  await sim?.stop();
  gw = sim = undefined;
});

async function start(client: Partial<Mm7ClientOptions> = {}, reports = false) {
  const port = reports ? 0 : undefined;
  gw = await startTestGateway({
    users: [{ name: 'alice', password: 'alice-pw', recipients: ['+15550002222'] }],
    smtp: false,
    pop3: false,
    config: { retry: FAST_RETRY },
    plugins: [
      mm7Client({ id: 'mmsc', url: sim!.url, vaspId: 'acme', password: 'vasp-pw', vasId: 'svc', anyTraffic: true, timeoutSeconds: 1, ...client }),
      ...(port !== undefined ? [mm7Server({ port, accounts: [{ name: 'operator', password: 'op-pw' }] })] : []),
    ],
  });
  return gw;
}

async function send(g: TestGateway): Promise<string> {
  const [a] = await g.gateway.submit([
    { direction: 'MT', kind: 'mms', from: '+15550002222', to: '+447700900123', subject: 'Photo', user: 'alice', parts: PARTS, via: 'test' },
  ]);
  return a!.id;
}

const statusOf = async (g: TestGateway, id: string) => (await g.gateway.stores.messages.summary(id))!;

describe('the MM7 connection against the MMSC simulator', () => {
  for (const version of ['REL-5-MM7-1-0', 'REL-5-MM7-1-3', 'REL-6-MM7-1-0', 'REL-6-MM7-1-4'] as const) {
    it(`sends a SubmitReq the simulator finds valid in ${version}, parts byte for byte`, async () => {
      sim = await MmscSimulator.start({ vaspId: 'acme', password: 'vasp-pw', version });
      const g = await start({ version });
      const id = await send(g);
      const [s] = await sim.waitForSubmissions(1);
      expect(sim.rejected).toEqual([]);
      expect(s!.warnings).toEqual([]);
      expect(s!.namespace).toMatch(new RegExp(`/${version}$`));
      expect(s!.vaspId).toBe('acme');
      expect(s!.vasId).toBe('svc');
      expect(s!.deliveryReport).toBe(true);
      expect(s!.parts.map((p) => p.contentType.split(';')[0])).toEqual(['text/plain', 'image/jpeg', 'application/smil']);
      expect(s!.parts[1]!.data.equals(PHOTO)).toBe(true);
      expect(s!.parts[0]!.data.toString('utf8')).toBe('Look ✓');
      await waitFor('sent', async () => (await statusOf(g, id)).status === 'sent');
    });
  }

  it("fails an MMS the MMSC refuses for good (2002) after one attempt, with the MMSC's reason in its history", async () => {
    sim = await MmscSimulator.start({ vaspId: 'acme', password: 'vasp-pw' });
    sim.answerNext({ status: 2002, text: 'Address Error' });
    const g = await start();
    const id = await send(g);
    const failed = await waitFor('failed', async () => {
      const s = await statusOf(g, id);
      return s.status === 'failed' && s;
    });
    expect(sim.submissions).toHaveLength(1);
    expect(failed.history.at(-1)!.detail).toMatch(/2002/);
  });

  const temporary: Array<[string, Answer]> = [
    ['status 3000', { status: 3000, text: 'Server Error' }],
    ['status 4006', { status: 4006, text: 'Service Unavailable' }],
    ['HTTP 500 with a web page', { http: 500 }],
    ['a dropped connection', 'drop'],
    ['an answer slower than timeoutSeconds', { delayMs: 2500 }],
    ['a Server fault', { fault: 'Server' }],
    ['an answer that is not XML', 'malformed'],
  ];
  for (const [what, answer] of temporary) {
    it(`tries again after ${what}, and the MMS goes once the MMSC takes it`, async () => {
      sim = await MmscSimulator.start({ vaspId: 'acme', password: 'vasp-pw' });
      sim.answerNext(answer);
      const g = await start();
      const id = await send(g);
      await waitFor('sent', async () => (await statusOf(g, id)).status === 'sent', 20_000);
      const history = (await statusOf(g, id)).history.map((h) => h.status);
      expect(history).toContain('retrying');
      expect(sim.submissions.length).toBeGreaterThanOrEqual(2);
      expect(sim.rejected).toEqual([]);
    }, 30_000);
  }

  it("is marked delivered by the delivery report the MMSC sends to the gateway's endpoint on its own", async () => {
    sim = await MmscSimulator.start({ vaspId: 'acme', password: 'vasp-pw' });
    const g = await start({}, true);
    const listening = g.gateway.status()['mm7-server']!.listening![0]!;
    sim.options.reports = { url: `http://${listening}/mm7`, user: 'operator', password: 'op-pw', mmStatus: 'Retrieved' };
    const id = await send(g);
    const [report] = await sim.waitForReports(1);
    expect(report!.error).toBeUndefined();
    expect(report!.answer?.statusCode).toBe(1000);
    await waitFor('delivered', async () => (await statusOf(g, id)).status === 'delivered');
  });
});
