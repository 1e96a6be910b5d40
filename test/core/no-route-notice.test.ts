// The operator hears of messages waiting with no route, but a burst is one line a minute, not one per message.
import { describe, expect, it } from 'vitest';
import type { Logger, Message } from '../../core/index.ts';
import { NoRouteNotice } from '../../core/no-route-notice.ts';

const message = (to: string): Message => ({ id: to, direction: 'MT', kind: 'sms', from: '+1', to, parts: [], receivedAt: new Date(), meta: {} });

describe('the no-route notice', () => {
  it('says the first at once, then one line a minute with how many waited since', () => {
    const said: { fields: Record<string, unknown>; text: string }[] = [];
    const log = { warn: (fields: Record<string, unknown>, text: string) => said.push({ fields, text }) } as unknown as Logger;
    let now = 1_000_000;
    const notice = new NoRouteNotice(log, () => now);
    notice.note(message('+15550000001'), 'no connection that takes +15550000001 carries MMS');
    expect(said).toHaveLength(1);
    expect(said[0]!.fields).toMatchObject({ to: '+15550000001', reason: 'no connection that takes +15550000001 carries MMS', waitingSinceLastNotice: 1 });
    for (let i = 0; i < 1000; i++) notice.note(message(`+1555100${i}`), undefined);
    expect(said).toHaveLength(1);
    now += 60_000;
    notice.note(message('+15550000002'), undefined);
    expect(said).toHaveLength(2);
    expect(said[1]!.fields.waitingSinceLastNotice).toBe(1001);
    expect(said[1]!.text).toMatch(/1001 since the last notice; nowsms queue list --no-route/);
  });
});
