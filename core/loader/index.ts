// Loading the config in the process's own module graph: the config, the plug-ins it imports and the gateway
// share one instance of core, whatever started the process (bin/nowsms.js, `tsx`, `node --import tsx`, a
// test runner). TypeScript itself is loaded by whoever runs core (bin/nowsms.js registers tsx).
import { register } from 'node:module';

const REGISTERED = Symbol.for('nowsms.loader.esm-hooks');

/**
 * Hooks that load configs and their local TypeScript files as ES modules (esm-hooks.mjs), once per process.
 * Never tsx's `tsImport`: it loads the config in a namespace of its own, a second copy of core.
 */
export function registerConfigLoader(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[REGISTERED]) return;
  g[REGISTERED] = true;
  register('./esm-hooks.mjs', import.meta.url);
}
