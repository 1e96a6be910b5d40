// Sending an MMS like a phone when the MMSC says no: an m-send-conf with a transient Response-Status is tried
// again, a permanent one (or an HTTP refusal without a PDU) fails with the MMSC's words in the history; the
// Message-ID of the m-send-conf that took it is what the later m-delivery-ind names. A report the gateway
// cannot match is kept without failing anything.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../../core/index.ts';
import { missingPeer } from '../../helpers/peers.ts';
import { cleanup, mailer, waitFor } from '../gsm-modem/rig.ts';
import { JPEG, details, mmsRig, type MmsRig } from './mm1-rig.ts';

afterEach(cleanup);

/** alice mails a phone a picture: an MT MMS for the modem's MMS side. */
async function mail(rig: MmsRig, subject: string) {
  const t = mailer(rig.gw, 'alice', 'alice-pw');
  await t.sendMail({
    from: 'alice@example.org',
    to: '4790000003@mms.localhost',
    subject,
    text: 'Greetings',
    attachments: [{ filename: 'photo.jpg', content: JPEG, contentType: 'image/jpeg' }],
  });
  t.close();
}

async function mt(rig: MmsRig, subject: string, statuses: string[]): Promise<MessageSummary> {
  return waitFor(`the MMS "${subject}" ${statuses.join(' or ')}`, async () => {
    const m = (await rig.gw.gateway.stores.messages.list({ direction: 'MT' })).find((x) => x.subject === subject);
    return m && statuses.includes(m.status) ? m : undefined;
  });
}

describe.skipIf(missingPeer('socat'))('gprs-mms: sending an MMS when the MMSC says no', () => {
  it('a transient Response-Status (0xC1) is retried; the Message-ID of the m-send-conf that took it is the one its delivery report names', async () => {
    const rig = await mmsRig();
    rig.mmsc.misbehaveNext({ responseStatus: 0xc1, responseText: 'try later' });
    await mail(rig, 'Holiday');
    const sent = await mt(rig, 'Holiday', ['sent']);
    expect(details(sent, 'retrying')).toEqual([expect.stringMatching(/refused the m-send-req: Response-Status 0xc1 \(try later\)/)]);
    const [first, second] = await rig.mmsc.waitForSent(2);
    // The same m-send-req again: the same Transaction-ID (the queue's message id), parts byte for byte.
    expect(second!.transactionId).toBe(first!.transactionId);
    expect(second!.transactionId).toBe(sent.id);
    expect(second!.parts.find((p) => p.contentType.startsWith('image/jpeg'))?.data.equals(JPEG)).toBe(true);
    expect(first!.messageId).toBeUndefined();
    expect(second!.messageId).toMatch(/^S\d+$/);
    expect(details(sent, 'sent')[0]).toContain(`Message-ID ${second!.messageId}`);

    rig.push(rig.mmsc.deliveryInd(second!.messageId!, '+4790000003', 'retrieved').notification);
    const delivered = await mt(rig, 'Holiday', ['delivered']);
    expect(details(delivered, 'delivered')[0]).toMatch(/MMS retrieved for \+4790000003/);
    const report = await rig.settled(1);
    expect(report.status).toBe('sent');
    expect(details(report, 'sent')[0]).toMatch(new RegExp(`message ${sent.id} is delivered`));
    expect(rig.counters()).toMatchObject({ mmsSent: 1, sendFailed: 1, reports: 1 });
  });

  it('a permanent Response-Status (0xE2) and an HTTP 403 without a PDU fail at once, with what the MMSC said', async () => {
    const rig = await mmsRig();
    rig.mmsc.misbehaveNext({ responseStatus: 0xe2, responseText: 'address unresolved' });
    await mail(rig, 'Unresolved');
    const unresolved = await mt(rig, 'Unresolved', ['failed', 'sent']);
    expect(unresolved.status).toBe('failed');
    expect(details(unresolved, 'retrying')).toEqual([]);
    expect(details(unresolved, 'failed')[0]).toMatch(/refused the m-send-req: Response-Status 0xe2 \(address unresolved\)/);

    rig.mmsc.misbehaveNext({ http: 403 });
    await mail(rig, 'Forbidden');
    const forbidden = await mt(rig, 'Forbidden', ['failed', 'sent']);
    expect(forbidden.status).toBe('failed');
    expect(details(forbidden, 'retrying')).toEqual([]);
    expect(details(forbidden, 'failed')[0]).toMatch(/answered HTTP 403 with \d+ octets of text\/html; charset=utf-8, not an m-send-conf/);
    expect(rig.mmsc.sent).toHaveLength(1);
    expect(rig.counters()).toMatchObject({ mmsSent: 0, sendFailed: 2 });
  });

  it('an m-delivery-ind "rejected" makes the MMS undeliverable; one for a Message-ID sent by nobody here is kept and fails nothing', async () => {
    const rig = await mmsRig();
    await mail(rig, 'Refused');
    const sent = await mt(rig, 'Refused', ['sent']);
    const [req] = await rig.mmsc.waitForSent(1);
    rig.push(rig.mmsc.deliveryInd(req!.messageId!, '+4790000003', 'rejected').notification);
    const undeliverable = await mt(rig, 'Refused', ['undeliverable']);
    expect(undeliverable.id).toBe(sent.id);
    expect(details(undeliverable, 'undeliverable')[0]).toMatch(/MMS rejected for \+4790000003/);

    rig.push(rig.mmsc.deliveryInd('S-nobody-sent-this', '+4790000009', 'retrieved').notification);
    const stray = await rig.settled(2);
    expect(stray.status).toBe('sent');
    expect(details(stray, 'sent')[0]).toMatch(/no message sent here has Message-ID S-nobody-sent-this \(kept\)/);
    expect((await mt(rig, 'Refused', ['undeliverable'])).status).toBe('undeliverable');
    expect(rig.counters()).toMatchObject({ reports: 2, failed: 0 });
  });
});
