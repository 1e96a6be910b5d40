// Long messages in each SMPP form, both ways: UDH with an 8-bit or 16-bit reference, SAR TLVs,
// message_payload; and a three-part UCS-2 message with emoji.
import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from '../../../../core/index.ts';
import type { LongForm } from '../smsc-simulator/index.ts';
import { lastSent, startHarness, waitFor, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const LONG_GSM = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') + ' and {braces} cost two septets €';
const EMOJI_UCS2 = 'Grüße aus Köln 🎉🚀 — ' + 'ŝ'.repeat(120) + ' 👍 end';

async function inbox(h: Harness, to = '+15550002222') {
  const msgs = await h.gw.gateway.stores.messages.list({ direction: 'MO' });
  return Promise.all(msgs.filter((m) => m.to === to).map(async (m) => ({ summary: m, message: (await h.gw.gateway.stores.messages.get(m.id))! })));
}

describe('long MT messages', () => {
  for (const [mode, form, expectParts] of [
    ['udh', 'udh', 2],
    ['udh16', 'udh16', 2],
    ['sar', 'sar', 2],
    ['payload', 'payload', 1],
  ] as const) {
    it(`longMessages '${mode}' sends ${expectParts} PDU(s) the SMSC joins back`, async () => {
      h = await startHarness({ client: { longMessages: mode, registeredDelivery: true }, sim: { receipts: true } });
      await h.mail('+447700900200', LONG_GSM);
      const [msg] = await waitFor('the message', () => h!.sim.messages().length === 1 && h!.sim.messages());
      await new Promise((r) => setTimeout(r, 500));
      console.log('DEBUG', JSON.stringify(h.sim.submits.map((x) => [x.sequence, x.at.getTime() % 100000, Date.now() % 100000])));
      expect(msg!.text).toBe(LONG_GSM);
      expect(msg!.parts).toHaveLength(expectParts);
      expect(new Set(msg!.parts.map((p) => p.view.form))).toEqual(new Set([form]));
      for (const p of msg!.parts) expect(p.pdu.data_coding).toBe(0);
      // Every segment has its own receipt; the message is delivered once all are.
      const id = await lastSent(h);
      await waitFor('delivered', async () => (await h!.gw.gateway.stores.messages.summary(id))?.status === 'delivered');
      expect(h.status().counters.receipts).toBe(expectParts);
    });
  }

  it('a three-part UCS-2 message with emoji keeps every surrogate pair within one segment', async () => {
    h = await startHarness({ client: { registeredDelivery: true }, sim: { receipts: true } });
    await h.mail('+447700900201', EMOJI_UCS2);
    const [msg] = await waitFor('the message', () => h!.sim.submits.length === 3 && h!.sim.messages());
    expect(msg!.parts).toHaveLength(3);
    for (const p of msg!.parts) {
      expect(p.pdu.data_coding).toBe(8);
      expect(p.view.text).not.toMatch(/[\ud800-\udbff]$/);
      expect(p.view.text).not.toMatch(/^[\udc00-\udfff]/);
    }
    expect(msg!.text).toBe(EMOJI_UCS2);
    const id = await lastSent(h);
    const s = await waitFor('delivered', async () => {
      const x = await h!.gw.gateway.stores.messages.summary(id);
      return x?.status === 'delivered' && x;
    });
    expect(s.history.filter((e) => e.detail?.startsWith('segment')).length).toBe(3);
  });

  it("dataCoding 'latin1' sends Latin-1 text as data_coding 3", async () => {
    h = await startHarness({ client: { dataCoding: 'latin1' } });
    await h.mail('+447700900202', 'Café crème, naïve façade');
    const [msg] = await waitFor('the message', () => h!.sim.messages().length === 1 && h!.sim.messages());
    expect(msg!.parts[0]!.pdu.data_coding).toBe(3);
    expect(msg!.text).toBe('Café crème, naïve façade');
  });
});

describe('long MO messages', () => {
  for (const form of ['udh', 'udh16', 'sar', 'payload'] as LongForm[]) {
    it(`a long MO sent as '${form}' arrives as one message`, async () => {
      h = await startHarness();
      const statuses = await h.sim.deliverMo({
        from: '+447700900300',
        to: '+15550002222',
        text: LONG_GSM,
        long: form,
        ref: 0x1234,
        order: form === 'payload' ? undefined : [2, 1],
      });
      expect(statuses.every((s) => s === 0)).toBe(true);
      const [got] = await waitFor('the MO', async () => (await inbox(h!)).length === 1 && inbox(h!));
      expect(textOf(got!.message)).toBe(LONG_GSM);
      expect(got!.summary.status).toBe('in-mailbox');
      expect(got!.message.meta.incomplete).toBeUndefined();
    });
  }

  it('a three-part UCS-2 MO with emoji is joined intact', async () => {
    h = await startHarness();
    await h.sim.deliverMo({ from: '+447700900301', to: '+15550002222', text: EMOJI_UCS2, coding: 'ucs2', order: [3, 1, 2] });
    const [got] = await waitFor('the MO', async () => (await inbox(h!)).length === 1 && inbox(h!));
    expect(textOf(got!.message)).toBe(EMOJI_UCS2);
    expect(got!.message.meta.segments).toBe(3);
  });

  it('segments missing past the reassembly timeout are delivered as they are, marked incomplete', async () => {
    h = await startHarness({ client: { reassemblyTimeoutSeconds: 0.3 } });
    await h.sim.deliverMo({ from: '+447700900302', to: '+15550002222', text: LONG_GSM + LONG_GSM, only: [1, 3] });
    const [got] = await waitFor('the partial MO', async () => (await inbox(h!)).length === 1 && inbox(h!));
    expect(got!.message.meta).toMatchObject({ incomplete: true, segments: 4, missingSegments: [2, 4] });
    expect(textOf(got!.message)).toContain('[…]');
  });
});
