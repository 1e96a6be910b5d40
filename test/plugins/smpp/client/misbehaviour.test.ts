// An SMSC that misbehaves, one way per test (the list): no response to a submit, generic_nack,
// error statuses, throttling, queue full, unbind mid-stream, dropped TCP, bind refused, malformed lengths,
// deliver_sm before bind. Nothing is lost; permanent errors fail the message with the reason kept.
import smpp from 'smpp';
import { afterEach, describe, expect, it } from 'vitest';
import { SmscSimulator } from '../smsc-simulator/index.ts';
import { FAST_RETRY, lastSent, startHarness, waitFor, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function statusOf(h: Harness, id: string) {
  return (await h.gw.gateway.stores.messages.summary(id))!;
}

async function mailAndWait(h: Harness, to: string, text: string, status: string) {
  await h.mail(to, text);
  const id = await lastSent(h);
  const s = await waitFor(`status ${status}`, async () => {
    const x = await statusOf(h, id);
    return x.status === status && x;
  });
  return s;
}

const accepted = (h: Harness) => h.sim.submits.filter((s) => s.messageId !== undefined);

describe('submit_sm answered badly', () => {
  it('no response: the submit times out and is retried; the message is sent', async () => {
    h = await startHarness({ client: { responseTimeoutSeconds: 0.3 } });
    h.sim.failNextSubmits('ignore');
    const s = await mailAndWait(h, '+447700900400', 'are you there?', 'sent');
    expect(h.sim.submits).toHaveLength(2);
    expect(accepted(h)).toHaveLength(1);
    expect(s.history.find((e) => e.status === 'retrying')!.detail).toMatch(/no submit_sm_resp/);
    expect(h.status().counters.submitTimeouts).toBe(1);
  });

  it('timeouts cause at most one duplicate per window slot', async () => {
    h = await startHarness({ client: { responseTimeoutSeconds: 0.3, window: 2 } });
    // The SMSC takes the messages but its responses are lost: each may be submitted twice.
    h.sim.failNextSubmits('ignore', 'ignore');
    for (let i = 0; i < 6; i++) await h.mail('+447700900401', `message ${i}`);
    await waitFor('all six', () => new Set(accepted(h!).map((s) => s.view.text)).size === 6);
    expect(h.sim.submits.length).toBeLessThanOrEqual(6 + 2);
  });

  it('generic_nack: logged, retried, sent', async () => {
    h = await startHarness();
    h.sim.failNextSubmits('nack');
    const s = await mailAndWait(h, '+447700900402', 'nack me once', 'sent');
    expect(s.history.find((e) => e.status === 'retrying')!.detail).toMatch(/generic_nack 0x08/);
    expect(h.status().counters.genericNacks).toBe(1);
  });

  it.each([
    [0x0b, 'ESME_RINVDSTADR'],
    [0x0a, 'ESME_RINVSRCADR'],
    [0x66, 'ESME_RX_R_APPN'],
  ])('status %i is permanent: the message fails with the reason kept (%s)', async (status, name) => {
    h = await startHarness();
    h.sim.failNextSubmits({ status });
    const s = await mailAndWait(h, '+447700900403', 'bad number', 'failed');
    expect(s.history.at(-1)!.detail).toContain(name);
    expect(h.sim.submits).toHaveLength(1);
  });

  it('a status listed in permanentErrors is permanent too', async () => {
    h = await startHarness({ client: { permanentErrors: [0x45] } });
    h.sim.failNextSubmits({ status: 0x45 });
    await mailAndWait(h, '+447700900404', 'submit failed', 'failed');
    expect(h.sim.submits).toHaveLength(1);
  });

  it('other error statuses are retried', async () => {
    h = await startHarness();
    h.sim.failNextSubmits({ status: smpp.ESME_RSYSERR }, { status: 0x45 });
    await mailAndWait(h, '+447700900405', 'try again', 'sent');
    expect(h.sim.submits).toHaveLength(3);
  });

  it.each([
    [0x58, 'throttled'],
    [0x14, 'queue full'],
  ])('status %i (%s) pauses and retries without spending attempts', async (status) => {
    // Two attempts allowed, five refusals: only a retry that spends no attempt gets the message out.
    h = await startHarness({ gateway: { config: { retry: { ...FAST_RETRY, maxAttempts: 2 } } } });
    h.sim.failNextSubmits(...Array.from({ length: 5 }, () => ({ status })));
    await mailAndWait(h, '+447700900406', 'slow down', 'sent');
    expect(h.sim.submits).toHaveLength(6);
    expect(h.status().counters.throttledResponses).toBe(5);
    expect(h.status().counters.throttled).toBe(5);
  });
});

describe('the link misbehaving', () => {
  it('unbind mid-stream: unbind_resp, reconnect, the message goes', async () => {
    h = await startHarness();
    h.sim.failNextSubmits('unbind');
    await mailAndWait(h, '+447700900410', 'interrupted', 'sent');
    expect(h.sim.records.some((r) => r.dir === 'in' && r.command === 'unbind_resp')).toBe(true);
    expect(h.status().counters).toMatchObject({ unbindsReceived: 1, binds: 2 });
  });

  it('dropped TCP during a submit: reconnect, the message goes', async () => {
    h = await startHarness();
    h.sim.failNextSubmits('drop');
    await mailAndWait(h, '+447700900411', 'cut off', 'sent');
    expect(h.status().counters.binds).toBe(2);
  });

  it('dropped TCP while idle: the connection comes back up by itself', async () => {
    h = await startHarness();
    h.sim.dropAll();
    await waitFor('a second bind', () => h!.status().counters.binds === 2 && h!.status().state === 'up');
    await mailAndWait(h, '+447700900412', 'after the drop', 'sent');
  });

  it('bind refused: the connection shows why, retries, and binds once the SMSC accepts', async () => {
    h = await startHarness({ sim: { refuseBind: smpp.ESME_RINVPASWD } });
    await waitFor('a refused bind', () => h!.status().counters.bindFailures! >= 1);
    expect(h.status().state).toBe('retrying');
    expect(h.status().detail).toMatch(/bind refused: 0x0e ESME_RINVPASWD/);
    await h.mail('+447700900413', 'waiting for the bind');
    const id = await lastSent(h);
    expect((await statusOf(h, id)).status).toBe('queued');
    delete h.sim.options.refuseBind;
    await waitFor('sent', async () => (await statusOf(h!, id)).status === 'sent');
    expect(h.status().state).toBe('up');
  });

  it('wrong credentials are refused with the SMSC status', async () => {
    h = await startHarness({ client: { password: 'wrong' } });
    await waitFor('a refused bind', () => h!.status().counters.bindFailures! >= 1);
    expect(h.status().detail).toMatch(/ESME_RINVPASWD/);
  });

  it('a malformed length: generic_nack, the link is dropped and rebuilt', async () => {
    h = await startHarness();
    h.sim.sendRaw(SmscSimulator.SHORT_LENGTH);
    await waitFor('a second bind', () => h!.status().counters.binds === 2 && h!.status().state === 'up');
    expect(h.sim.records.some((r) => r.dir === 'in' && r.command === 'generic_nack' && r.status === smpp.ESME_RINVCMDLEN)).toBe(true);
    expect(h.status().counters.malformedPdus).toBe(1);
    await mailAndWait(h, '+447700900414', 'still works', 'sent');
  });

  it('a malformed body inside a good length: generic_nack for that PDU, the session goes on', async () => {
    h = await startHarness();
    h.sim.sendRaw(SmscSimulator.UNTERMINATED_BODY);
    const nack = await waitFor('the generic_nack', () => h!.sim.records.find((r) => r.dir === 'in' && r.command === 'generic_nack'));
    expect([nack.status, nack.sequence]).toEqual([smpp.ESME_RINVCMDLEN, 0x777]);
    await mailAndWait(h, '+447700900415', 'same session', 'sent');
    expect(h.status().counters.binds).toBe(1);
  });

  it('an unknown command: generic_nack ESME_RINVCMDID', async () => {
    h = await startHarness();
    h.sim.sendRaw(SmscSimulator.UNKNOWN_COMMAND);
    const nack = await waitFor('the generic_nack', () => h!.sim.records.find((r) => r.dir === 'in' && r.command === 'generic_nack'));
    expect([nack.status, nack.sequence]).toEqual([smpp.ESME_RINVCMDID, 0x77a]);
    expect(h.status().counters.unknownPdus).toBe(1);
  });

  it('deliver_sm before the bind completes is refused with ESME_RINVBNDSTS and not taken', async () => {
    h = await startHarness({ sim: { deliverBeforeBind: true } });
    await waitFor('the refusal', () => h!.sim.deliverResponses.length === 1);
    expect(h.sim.deliverResponses[0]!.status).toBe(smpp.ESME_RINVBNDSTS);
    expect(await h.gw.gateway.stores.messages.list({ direction: 'MO' })).toHaveLength(0);
    expect(h.status().state).toBe('up');
  });

  it('enquire_link keeps the link checked', async () => {
    h = await startHarness({ client: { enquireLinkSeconds: 0.1, responseTimeoutSeconds: 0.3 } });
    await waitFor('enquire_links', () => h!.sim.records.filter((r) => r.command === 'enquire_link_resp').length >= 2);
    expect(h.status().counters.binds).toBe(1);
  });

  it('an SMSC that stops answering enquire_link is dropped and the link rebuilt', async () => {
    h = await startHarness({ client: { enquireLinkSeconds: 0.1, responseTimeoutSeconds: 0.3 } });
    h.sim.options.ignoreEnquireLinks = true;
    await waitFor('a second bind', () => h!.status().counters.binds! >= 2);
    h.sim.options.ignoreEnquireLinks = false;
    await mailAndWait(h, '+447700900416', 'alive again', 'sent');
  });
});

describe('receipts whatever the SMSC does to the id', () => {
  it.each([
    ['hex ids, as given', { idFormat: 'hex', receiptIdForm: 'same' }],
    ['hex ids, upper-case in the receipt', { idFormat: 'hex', receiptIdForm: 'upper' }],
    ['hex ids, decimal in the receipt', { idFormat: 'hex', receiptIdForm: 'decimal' }],
    ['decimal ids, hex in the receipt', { idFormat: 'decimal', receiptIdForm: 'hex' }],
    ['zero-padded in the receipt', { idFormat: 'decimal', receiptIdForm: 'padded' }],
    ['id only in the text', { idFormat: 'hex', receipt: { via: 'text' } }],
    ['id only in the TLV', { idFormat: 'hex', receipt: { via: 'tlv' } }],
  ] as const)('%s', async (_name, sim) => {
    h = await startHarness({ sim: { receipts: true, ...sim }, client: { registeredDelivery: true } });
    await mailAndWait(h, '+447700900420', 'receipt please', 'delivered');
    expect(h.status().counters.unmatchedReceipts).toBe(0);
  });

  it('a receipt for an id nobody sent is answered, kept and counted, not dropped', async () => {
    h = await startHarness();
    expect(await h.sim.sendReceipt('DEADBEEF', 'DELIVRD', { via: 'tlv' })).toBe(0);
    expect(h.status().counters).toMatchObject({ receipts: 1, unmatchedReceipts: 1 });
  });

  it('an intermediate notification only adds to the history', async () => {
    h = await startHarness();
    const s = await mailAndWait(h, '+447700900421', 'en route', 'sent');
    const messageId = accepted(h)[0]!.messageId!;
    await h.sim.sendReceipt(messageId, 'ENROUTE', { intermediate: true });
    await h.sim.sendReceipt(messageId, 'DELIVRD');
    const after = await waitFor('delivered', async () => {
      const x = await statusOf(h!, s.id);
      return x.status === 'delivered' && x;
    });
    expect(after.history.map((e) => e.status)).toEqual(['queued', 'sent', 'sent', 'delivered']);
    expect(after.history[2]!.detail).toMatch(/^pending \(stat:ENROUTE/);
  });
});
