// Receipts for a user's submits: made durable as messages for the user, delivered as deliver_sm receipts
// (esm_class 0x04, receipted_message_id, message_state, the standard text) to the user's receiver.
import type { PDU } from 'smpp';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../../plugins/store-sqlite/index.ts';
import { parseReceipt } from '../../../../plugins/smpp/shared/receipt.ts';
import { eventually } from './client.ts';
import { bind, gateway, PHONE, sink, textSubmit } from './fixtures.ts';

function receiptText(pdu: PDU): string {
  return String((pdu.short_message as { message?: string }).message ?? '');
}

describe('smpp server receipts', () => {
  it('sends a DELIVRD receipt for a delivered submit back to the submitter', async () => {
    const s = sink();
    const g = await gateway({}, { plugins: [s.plugin] });
    const c = await bind(g);
    const r = await c.submit(textSubmit('Please confirm delivery', { registered_delivery: 1 }));
    const id = String(r.message_id);
    await eventually(
      async () => s.sent.length,
      (n) => n === 1,
      'the message to be sent',
    );
    await eventually(
      () => g.gateway.stores.messages.summary(id),
      (m) => m?.status === 'sent',
      'status sent',
    );
    await g.gateway.report({ connectionId: 'sink', remoteId: `r-${id}`, outcome: 'delivered' });
    await c.until(() => c.received.length === 1, 'the receipt');
    const pdu = c.received[0]!;
    expect(pdu).toMatchObject({
      esm_class: 0x04,
      receipted_message_id: id,
      message_state: 2,
      source_addr: PHONE.slice(1),
      destination_addr: '15550001111',
    });
    const text = receiptText(pdu);
    expect(text).toMatch(/^id:\S+ sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:Please confirm deliv$/);
    expect(parseReceipt(text)).toMatchObject({ id, stat: 'DELIVRD', sub: 1, dlvrd: 1 });
    // The receipt left the mailbox once acknowledged; it was a message of its own.
    await eventually(
      () => g.gateway.stores.mailboxes.list('alice'),
      (l) => l.length === 0,
      'the receipt to leave the mailbox',
    );
    const receipts = await g.gateway.stores.messages.list({ direction: 'MO' });
    expect(receipts).toHaveLength(1);
    expect((await g.gateway.stores.messages.get(receipts[0]!.id))?.meta.receiptFor).toBe(id);
  });

  it('keeps a receipt while the submitter is not bound, and delivers it at the next bind', async () => {
    const s = sink();
    const g = await gateway({}, { plugins: [s.plugin] });
    const tx = await bind(g, 'bind_transmitter');
    const r = await tx.submit(textSubmit('later', { registered_delivery: 1 }));
    const id = String(r.message_id);
    await tx.close();
    await eventually(
      () => g.gateway.stores.messages.summary(id),
      (m) => m?.status === 'sent',
      'status sent',
    );
    await g.gateway.report({ connectionId: 'sink', remoteId: `r-${id}`, outcome: 'undeliverable' });
    await eventually(
      () => g.gateway.stores.mailboxes.list('alice'),
      (l) => l.length === 1,
      'the receipt in the mailbox',
    );
    const rx = await bind(g, 'bind_receiver');
    await rx.until(() => rx.received.length === 1, 'the receipt');
    expect(rx.received[0]).toMatchObject({ esm_class: 0x04, receipted_message_id: id, message_state: 5 });
    expect(parseReceipt(receiptText(rx.received[0]!))).toMatchObject({ id, stat: 'UNDELIV', dlvrd: 0 });
  });

  it('sends an UNDELIV receipt when the gateway gives up on the message', async () => {
    const s = sink();
    s.mode = 'permanent';
    const g = await gateway({}, { plugins: [s.plugin] });
    const c = await bind(g);
    const r = await c.submit(textSubmit('doomed', { registered_delivery: 1 }));
    await c.until(() => c.received.length === 1, 'the receipt');
    expect(c.received[0]).toMatchObject({ receipted_message_id: r.message_id, message_state: 5 });
  });

  it('sends a receipt for every segment of a long submit', async () => {
    const s = sink();
    const g = await gateway({}, { plugins: [s.plugin] });
    const c = await bind(g);
    const seg = (seq: number) =>
      textSubmit('', {
        registered_delivery: 1,
        esm_class: 0x40,
        short_message: Buffer.concat([Buffer.from([5, 0, 3, 77, 2, seq]), Buffer.from(`part ${seq} `, 'latin1')]),
      });
    const ids = [String((await c.submit(seg(1))).message_id), String((await c.submit(seg(2))).message_id)];
    await eventually(
      () => g.gateway.stores.messages.summary(ids[1]!),
      (m) => m?.status === 'sent',
      'status sent',
    );
    await g.gateway.report({ connectionId: 'sink', remoteId: `r-${ids[1]}`, outcome: 'delivered' });
    await c.until(() => c.received.length === 2, 'two receipts');
    expect(new Set(c.received.map((p) => p.receipted_message_id))).toEqual(new Set(ids));
  });

  it('sends nothing when the submit did not ask, and only failures for registered_delivery 2', async () => {
    const s = sink();
    const g = await gateway({}, { plugins: [s.plugin] });
    const c = await bind(g);
    const silent = String((await c.submit(textSubmit('no receipt', { registered_delivery: 0 }))).message_id);
    const failuresOnly = String((await c.submit(textSubmit('failures only', { registered_delivery: 2 }))).message_id);
    const failing = String((await c.submit(textSubmit('fails', { registered_delivery: 2 }))).message_id);
    for (const id of [silent, failuresOnly, failing])
      await eventually(
        () => g.gateway.stores.messages.summary(id),
        (m) => m?.status === 'sent',
        'sent',
      );
    await g.gateway.report({ connectionId: 'sink', remoteId: `r-${silent}`, outcome: 'delivered' });
    await g.gateway.report({ connectionId: 'sink', remoteId: `r-${failuresOnly}`, outcome: 'delivered' });
    await g.gateway.report({ connectionId: 'sink', remoteId: `r-${failing}`, outcome: 'undeliverable' });
    await c.until(() => c.received.length === 1, 'the one receipt');
    // A repeated report makes no second receipt.
    await g.gateway.report({ connectionId: 'sink', remoteId: `r-${failing}`, outcome: 'undeliverable' });
    expect((await c.request('enquire_link')).command_status).toBe(0);
    expect(c.received.map((p) => p.receipted_message_id)).toEqual([failing]);
    expect(g.gateway.status()['smpp-server']?.counters.receipts).toBe(1);
  });

  it('makes the receipt a crash cut off when the gateway starts again, and only once', async () => {
    const s = sink();
    const g1 = await gateway({}, { plugins: [s.plugin] });
    const tx = await bind(g1, 'bind_transmitter');
    const id = String((await tx.submit(textSubmit('across a crash', { registered_delivery: 1 }))).message_id);
    await eventually(
      () => g1.gateway.stores.messages.summary(id),
      (m) => m?.status === 'sent',
      'status sent',
    );
    await tx.close();
    await g1.stop();
    // The receipt from the SMSC was committed, and the gateway died before its status hook made ours.
    const store = await openSqliteStore(path.join(g1.dataDir, 'nowsms.db'));
    expect(await store.messages.recordReport({ connectionId: 'sink', remoteId: `r-${id}`, outcome: 'delivered' })).toMatchObject({ status: 'delivered' });
    await store.close();

    const g2 = await gateway({}, { dataDir: g1.dataDir, plugins: [sink().plugin] });
    const rx = await bind(g2, 'bind_receiver');
    await rx.until(() => rx.received.length === 1, 'the receipt');
    expect(rx.received[0]).toMatchObject({ esm_class: 0x04, receipted_message_id: id, message_state: 2 });
    await eventually(
      () => g2.gateway.stores.mailboxes.list('alice'),
      (l) => l.length === 0,
      'the receipt to leave the mailbox',
    );
    await rx.close();
    await g2.stop();

    // Started again: the same status change is looked at again, and makes nothing new.
    const g3 = await gateway({}, { dataDir: g1.dataDir, plugins: [sink().plugin] });
    const again = await bind(g3, 'bind_receiver');
    expect((await again.request('enquire_link')).command_status).toBe(0);
    await eventually(
      async () => (await g3.gateway.stores.messages.list({ direction: 'MO' })).length,
      (n) => n === 1,
      'one receipt message in the store',
    );
    expect(await g3.gateway.stores.mailboxes.list('alice')).toEqual([]);
    expect(again.received).toEqual([]);
  });
});
