// A batch of the event log whose receipts could not all be made (a read or a commit failed for a moment)
// comes again whole: every receipt of it is made then, none skipped as "already made".
import { describe, expect, it } from 'vitest';
import { NowsmsError, type Message, type NewMessage, type StatusChange } from '../../../../core/index.ts';
import type { ServerContext } from '../../../../plugins/smpp/server/context.ts';
import { Receipts } from '../../../../plugins/smpp/server/receipts.ts';

function submitted(id: string): Message {
  return {
    id,
    direction: 'MT',
    kind: 'sms',
    from: '+15550002222',
    to: '+15550001111',
    user: 'app',
    via: 'smpp-server',
    parts: [{ contentType: 'text/plain; charset=utf-8', data: Buffer.from('hi') }],
    receivedAt: new Date(),
    meta: { sms: { receipt: 'final' } },
  };
}

const change = (seq: number, messageId: string): StatusChange => ({
  seq,
  messageId,
  status: 'delivered',
  at: new Date(),
  direction: 'MT',
  via: 'smpp-server',
  user: 'app',
});

describe('SMPP receipts, when a batch fails part-way', () => {
  it('makes every receipt of the batch when it comes again', async () => {
    let failReadOf: string | undefined = 'B';
    let failCommits = 0;
    const committed: NewMessage[] = [];
    const ctx = {
      stores: {
        messages: {
          get: async (id: string) => {
            if (id === failReadOf) {
              failReadOf = undefined;
              throw new NowsmsError('NOWSMS_ERR_STORE', 'database is busy', { temporary: true });
            }
            return submitted(id);
          },
        },
        users: { get: async (name: string) => ({ name, smppLogin: true, removed: false }) },
      },
      submit: async (messages: NewMessage[]) => {
        if (failCommits > 0) {
          failCommits--;
          throw new NowsmsError('NOWSMS_ERR_STORE', 'database is busy', { temporary: true });
        }
        committed.push(...messages);
        return messages.map((_, i) => ({ id: `r${committed.length + i}`, target: undefined }));
      },
      log: { info() {}, error() {} },
      counters: { receipts: 0 },
    } as unknown as ServerContext;
    const receipts = new Receipts(ctx);

    // B's read fails: the batch throws (the reactor hands it over again) and nothing is made yet.
    await expect(receipts.handle([change(1, 'A'), change(2, 'B')])).rejects.toThrow(/busy/);
    await receipts.handle([change(1, 'A'), change(2, 'B')]);
    expect(committed.map((m) => m.idempotencyKey?.split(':')[2]).sort()).toEqual(['A', 'B']);

    // A commit that fails for a moment: the same again.
    failCommits = 1;
    await expect(receipts.handle([change(3, 'C')])).rejects.toThrow(/busy/);
    await receipts.handle([change(3, 'C')]);
    expect(committed.map((m) => m.idempotencyKey?.split(':')[2])).toContain('C');
    // And an outcome handed over again after it was made is passed over.
    const before = committed.length;
    await receipts.handle([change(1, 'A')]);
    expect(committed).toHaveLength(before);
  });
});
