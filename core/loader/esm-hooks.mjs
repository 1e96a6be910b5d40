// Module hooks (node:module register) for loading nowsms.config.ts in the gateway's own module graph.
// A config in a folder without `"type": "module"` would be loaded as CommonJS, and its `import`s of the
// plug-ins and of core would then make a second copy of core beside the gateway's. Configs and the local
// TypeScript files they import are ES modules, wherever they live; packages in node_modules are left as
// their authors made them. The same for a `nowsms.config.js` (a CommonJS config is named `.cjs`). Plain
// JavaScript: this runs on the loader thread before any TypeScript can.

const ES_MODULE = /(\.tsx?|\/nowsms\.config\.js)(\?|$)/;

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (resolved.format === 'commonjs' && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/') && ES_MODULE.test(resolved.url))
    return { ...resolved, format: 'module' };
  return resolved;
}
