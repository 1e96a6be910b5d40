// The two halves of MM7 together: an MMS alice sends leaves through the real outbound client (to a stand-in
// MMSC), the MMSC's DeliveryReportReq comes back to the endpoint and marks it delivered, and the phone's
// reply, which kept "(FM: alice)" in its subject, reaches alice's mailbox, not the account's routeTo user.
import { afterEach, describe, expect, it } from 'vitest';
import type { Part } from '../../../core/index.ts';
import { mm7Client, mm7Server } from '../../../plugins/mmsc-vasp/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { waitFor } from '../../helpers/wait.ts';
import { curlMm7, deliverReq, statusCode, vectorRequest } from './mm7-http.ts';
import { TestMmsc } from './test-mmsc.ts';

let mmsc: TestMmsc | undefined;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  await mmsc?.stop();
  gw = mmsc = undefined;
});

const PARTS: Part[] = [
  { contentType: 'text/plain; charset=utf-8', contentId: 'txt', name: 'text.txt', data: Buffer.from('Look at this') },
  { contentType: 'image/jpeg', contentId: 'img', name: 'photo.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]) },
];

describe.skipIf(missingPeer('curl'))('the MM7 client and endpoint together', () => {
  it('a delivery report from the MMSC marks the MMS delivered, and the reply goes to the user named by "(FM: user)"', async () => {
    mmsc = await TestMmsc.start();
    gw = await startTestGateway({
      users: [
        { name: 'alice', password: 'alice-pw' },
        { name: 'bob', password: 'bob-pw' },
      ],
      smtp: false,
      pop3: false,
      plugins: [
        mm7Client({ id: 'operator-out', url: mmsc.url, vaspId: 'acme', password: 'pw', anyTraffic: true, embedSenderInSubject: true }),
        mm7Server({ port: 0, accounts: [{ name: 'operator', password: 'op-secret', routeTo: 'bob' }] }),
      ],
    });
    const g = gw;
    const listening = g.gateway.status()['mm7-server']!.listening![0]!;
    const port = Number(listening.slice(listening.lastIndexOf(':') + 1));

    const [sent] = await g.gateway.submit([
      { direction: 'MT', kind: 'mms', from: '+15550002222', to: '+447700900123', user: 'alice', subject: 'holiday', parts: PARTS, via: 'test' },
    ]);
    await waitFor('the SubmitReq at the MMSC', () => mmsc!.received.length === 1);
    await waitFor('the MMS sent', async () => (await g.gateway.stores.messages.summary(sent!.id))?.status === 'sent');
    const subject = mmsc.received[0]!.req.subject!;
    expect(subject).toMatch(/\(FM: alice\)/);

    // The MMSC reports on its MessageID (the stand-in answers mmsc-1).
    const vector = vectorRequest('sinch_mm7_deliveryreport_3.http');
    const report = { ...vector, body: Buffer.from(vector.body.toString('utf8').replace('369500617770864640', 'mmsc-1')) };
    expect(statusCode((await curlMm7(port, report, { auth: ['operator', 'op-secret'] })).body)).toBe(1000);
    expect((await g.gateway.stores.messages.summary(sent!.id))!.status).toBe('delivered');

    // The phone replies; its subject keeps the marker.
    const reply = await curlMm7(
      port,
      deliverReq({ transactionId: 'r1', messageId: 'reply-1', sender: '+447700900123', to: ['+15550002222'], subject: `Re: ${subject}`, parts: PARTS }),
      { auth: ['operator', 'op-secret'] },
    );
    expect(statusCode(reply.body)).toBe(1000);
    expect(await g.gateway.stores.mailboxes.list('alice')).toHaveLength(1);
    expect(await g.gateway.stores.mailboxes.list('bob')).toHaveLength(0);
  }, 60_000);
});
