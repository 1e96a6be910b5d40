// "(FM: user)": a received MMS whose subject names a user goes to that user's mailbox, the marker out of
// its subject; it wins over the connection's route-to user; a marker naming nobody changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { findSenderMarker, withSenderMarker, type NewMessage } from '../../../core/index.ts';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

function mms(subject: string | undefined, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    direction: 'MO',
    kind: 'mms',
    from: '+447700900123',
    to: '+447700900999',
    ...(subject !== undefined ? { subject } : {}),
    parts: [
      { contentType: 'text/plain; charset=utf-8', data: Buffer.from('nice one') },
      { contentType: 'image/png', name: 'p.png', data: PNG },
    ],
    via: 'mmsc',
    ...extra,
  };
}

describe('the "(FM: user)" marker', () => {
  it('is written once at the end of a subject, and found anywhere in any case with its user and the rest', () => {
    expect(withSenderMarker('Holiday', 'alice')).toBe('Holiday (FM: alice)');
    expect(withSenderMarker(undefined, 'alice')).toBe('(FM: alice)');
    expect(withSenderMarker('Holiday (FM: alice)', 'alice')).toBe('Holiday (FM: alice)');
    expect(withSenderMarker('Holiday (FM: bob)', 'alice')).toBe('Holiday (FM: alice)');
    expect(findSenderMarker('Re: Holiday (fm:alice)')).toEqual({ user: 'alice', subject: 'Re: Holiday' });
    expect(findSenderMarker('RE: FWD: ( FM: alice )')).toEqual({ user: 'alice', subject: '' });
    expect(findSenderMarker('(FM: alice) Holiday')).toEqual({ user: 'alice', subject: 'Holiday' });
    expect(findSenderMarker('Holiday FM alice')).toBeUndefined();
  });
});

describe('routing a received MMS by its "(FM: user)" marker', () => {
  it("puts a reply in the named user's mailbox with the marker gone, ahead of the connection's route-to user", async () => {
    gw = await startTestGateway({
      users: [
        { name: 'alice', password: 'a-pw' },
        { name: 'bob', password: 'b-pw' },
      ],
    });
    const [a] = await gw.gateway.submit([mms('Re: Holiday (FM: alice)', { routeTo: 'bob' })]);
    expect(a!.target).toEqual({ kind: 'mailbox', user: 'alice' });
    const stored = await gw.gateway.stores.messages.get(a!.id);
    expect(stored!.subject).toBe('Re: Holiday');
    expect(stored!.meta.senderMarker).toBe('alice');
    expect((await gw.gateway.stores.mailboxes.list('alice')).map((e) => e.messageId)).toEqual([a!.id]);
    expect(await gw.gateway.stores.mailboxes.list('bob')).toEqual([]);

    // Only the marker: no subject is left.
    const [b] = await gw.gateway.submit([mms('RE: (fm: alice)')]);
    expect((await gw.gateway.stores.messages.get(b!.id))!.subject).toBeUndefined();
  });

  it('ignores a marker naming no user (the subject is kept) and a marker in an SMS or an MT message', async () => {
    gw = await startTestGateway({ users: [{ name: 'bob', password: 'b-pw' }] });
    const [a] = await gw.gateway.submit([mms('Re: Holiday (FM: mallory)', { routeTo: 'bob' })]);
    expect(a!.target).toEqual({ kind: 'mailbox', user: 'bob' });
    expect((await gw.gateway.stores.messages.get(a!.id))!.subject).toBe('Re: Holiday (FM: mallory)');

    const [s] = await gw.gateway.submit([
      { direction: 'MO', kind: 'sms', from: '+447700900123', to: '+447700900999', subject: '(FM: bob)', parts: [mms(undefined).parts[0]!], via: 'x' },
    ]);
    expect(s!.target).toBeUndefined();
    const [mt] = await gw.gateway.submit([{ ...mms('(FM: bob)'), direction: 'MT' }]);
    expect(mt!.target).toBeUndefined();
  });

  it("shows an MMS in `messages list` with its parts' types and sizes", async () => {
    gw = await startTestGateway({ users: [{ name: 'alice', password: 'a-pw' }] });
    const [a] = await gw.gateway.submit([mms('Hi (FM: alice)')]);
    const [listed] = await gw.gateway.stores.messages.list({ limit: 1 });
    expect(listed!.id).toBe(a!.id);
    expect(listed!.kind).toBe('mms');
    expect(listed!.parts).toEqual([
      { contentType: 'text/plain; charset=utf-8', size: 8 },
      { contentType: 'image/png', name: 'p.png', size: PNG.length },
    ]);
  });
});
