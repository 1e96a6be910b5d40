// Plug-in metadata checked at boot (Fastify's habit): dependencies set up first, a missing one or a cycle
// named, and a plug-in written for another core API refused with what to do.
import { describe, expect, it } from 'vitest';
import { CORE_API_VERSION, type NowsmsPlugin } from '../../core/index.ts';
import { orderPlugins } from '../../core/gateway.ts';

const plugin = (name: string, more: Partial<NowsmsPlugin> = {}): NowsmsPlugin => ({ name, setup() {}, ...more });

describe('plug-in metadata', () => {
  it('sets dependencies up first, whatever the order in the config', () => {
    const order = orderPlugins([plugin('smtp', { dependencies: ['store'] }), plugin('two-way', { dependencies: ['smtp'] }), plugin('store')]);
    expect(order.map((p) => p.name)).toEqual(['store', 'smtp', 'two-way']);
  });

  it('names a missing dependency and a cycle', () => {
    expect(() => orderPlugins([plugin('smtp', { dependencies: ['store'] })])).toThrow(/plug-in smtp needs plug-in store: add it to plugins/);
    expect(() => orderPlugins([plugin('a', { dependencies: ['b'] }), plugin('b', { dependencies: ['a'] })])).toThrow(/depends on itself/);
  });

  it('refuses a plug-in written for another core API, and takes one that lists this one', () => {
    expect(CORE_API_VERSION).toBe(2);
    expect(() => orderPlugins([plugin('old-hooks', { coreApi: [1] })])).toThrow(/plug-in old-hooks supports core API 1, this core is 2: upgrade the plug-in/);
    expect(orderPlugins([plugin('both', { coreApi: [1, 2] }), plugin('unsaid')]).map((p) => p.name)).toEqual(['both', 'unsaid']);
  });
});
