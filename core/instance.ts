// Which copies of core this process has loaded. There must be one: a second copy (a config loaded in a
// module graph of its own, a plug-in package with its own nowsms inside) has its own classes and state,
// and errors or hooks that cross between the copies are misjudged. The gateway refuses to start with two.
import { randomUUID } from 'node:crypto';
import { NowsmsError } from './errors.ts';

const COPIES = Symbol.for('nowsms.core.copies');

/** This copy of core. */
export const CORE_COPY = { id: randomUUID(), url: import.meta.url };

const g = globalThis as Record<symbol, unknown>;
const copies = (g[COPIES] ??= []) as (typeof CORE_COPY)[];
copies.push(CORE_COPY);

/** Every copy of core loaded in this process, this one included. */
export function coreCopies(): readonly (typeof CORE_COPY)[] {
  return copies;
}

const MADE_WITH = Symbol.for('nowsms.plugin.core-copy');

/** definePlugin marks each plug-in with the copy of core it was made with (not enumerable: the object stays plain). */
export function markPlugin(plugin: object): void {
  Object.defineProperty(plugin, MADE_WITH, { value: CORE_COPY, enumerable: false, configurable: true });
}

/** The start-up guard: one copy of core in the process, and every marked plug-in made with it. */
export function assertOneCore(plugins: readonly { name: string }[]): void {
  const fix =
    'the config and its plug-ins must import the same core as the gateway: start it with the nowsms command, ' +
    'load configs with loadConfig() (never in a module graph of their own, such as tsx tsImport), and do not install a second nowsms inside a plug-in package';
  if (copies.length > 1)
    throw new NowsmsError('NOWSMS_ERR_PLUGIN', `nowsms core is loaded ${copies.length} times in this process (${copies.map((c) => c.url).join(', ')}): ${fix}`);
  for (const p of plugins) {
    const made = (p as Record<symbol, typeof CORE_COPY | undefined>)[MADE_WITH];
    if (made && made.id !== CORE_COPY.id)
      throw new NowsmsError(
        'NOWSMS_ERR_PLUGIN',
        `plug-in ${p.name} was made with another copy of nowsms core (${made.url}, the gateway runs ${CORE_COPY.url}): ${fix}`,
      );
  }
}
