import { describe, expect, it } from 'vitest';
import { chooseConnection } from '../../core/routing.ts';
import type { Connection } from '../../core/types.ts';

function conn(id: string, extra: Partial<Connection>): Connection {
  return {
    id,
    kind: 'test',
    start: async () => {},
    stop: async () => {},
    send: async () => ({}),
    status: () => ({ state: 'up', counters: {} }),
    ...extra,
  };
}

describe('outbound routing', () => {
  const any = conn('any', { anyTraffic: true });
  const uk = conn('uk', { recipients: ['+44*'] });
  const ukMobile = conn('uk-mobile', { recipients: ['+447*'] });
  const own = conn('own', { numbers: ['+15550009999'] });
  const all = [any, uk, ukMobile, own];

  it('a sender equal to a connection number picks that connection first', () => {
    expect(chooseConnection({ from: '+15550009999', to: '+447700900123' }, all)).toBe('own');
  });
  it('the most specific recipient mask wins', () => {
    expect(chooseConnection({ from: '+1', to: '+447700900123' }, all)).toBe('uk-mobile');
    expect(chooseConnection({ from: '+1', to: '+442070000000' }, all)).toBe('uk');
  });
  it('else a connection open to any traffic', () => {
    expect(chooseConnection({ from: '+1', to: '+33600000000' }, all)).toBe('any');
  });
  it('else no route', () => {
    expect(chooseConnection({ from: '+1', to: '+33600000000' }, [uk])).toBeUndefined();
  });
  it('ignores connections that cannot send (servers)', () => {
    const server = conn('smtp', { anyTraffic: true, send: undefined });
    expect(chooseConnection({ from: '+1', to: '+33600000000' }, [server])).toBeUndefined();
  });
});
